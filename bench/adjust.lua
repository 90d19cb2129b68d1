-- adjust.lua: POST /api/v1/balance/adjust with one adjustment of +1.0 of
-- the token under reason "reward" for a random user among $BENCH_USERS,
-- from a pool formatted at start (common.pool).
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local headers, pick

setup = common.setup

local function make()
   local body = string.format(
      '{"adjustments":[{"user_id":"%s","token_symbol":"%s","amount":"+1.0",' ..
      '"reason_type":"reward","reason_detail":"bench"}]}',
      common.user(math.random(0, common.users - 1)), common.token)
   return wrk.format("POST", "/api/v1/balance/adjust", headers, body)
end

function init(args)
   common.init_thread()
   headers = common.headers("application/json")
   pick = common.pool(make)
end

-- wrk also calls it once before init, to check the request's form.
function request()
   return pick and pick() or make()
end

done = common.done
