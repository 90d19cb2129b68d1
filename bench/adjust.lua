-- adjust.lua: POST /api/v1/balance/adjust with one adjustment of +1.0 of
-- the token under reason "reward" for a random user among $BENCH_USERS.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local headers

setup = common.setup

function init(args)
   common.init_thread()
   headers = common.headers("application/json")
end

function request()
   local body = string.format(
      '{"adjustments":[{"user_id":"%s","token_symbol":"%s","amount":"+1.0",' ..
      '"reason_type":"reward","reason_detail":"bench"}]}',
      common.user(math.random(0, common.users - 1)), common.token)
   return wrk.format("POST", "/api/v1/balance/adjust", headers, body)
end

done = common.done
