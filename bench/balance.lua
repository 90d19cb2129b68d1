-- balance.lua: GET /api/v1/balance/{user_id} for a random user among
-- $BENCH_USERS (bench/run makes sure they all have a balance row), from a
-- pool formatted at start (common.pool).
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local headers, pick

setup = common.setup

local function make()
   return wrk.format("GET", "/api/v1/balance/" ..
      common.user(math.random(0, common.users - 1)), headers)
end

function init(args)
   common.init_thread()
   headers = common.headers(nil)
   pick = common.pool(make)
end

-- wrk also calls it once before init, to check the request's form.
function request()
   return pick and pick() or make()
end

done = common.done
