-- balance.lua: GET /api/v1/balance/{user_id} for a random user among
-- $BENCH_USERS (bench/run makes sure they all have a balance row).
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local headers

setup = common.setup

function init(args)
   common.init_thread()
   headers = common.headers(nil)
end

function request()
   return wrk.format("GET", "/api/v1/balance/" ..
      common.user(math.random(0, common.users - 1)), headers)
end

done = common.done
