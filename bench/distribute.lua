-- distribute.lua: POST /api/v1/rewards/distribute, each request crediting
-- 1.0 of the token to $BENCH_RECIPIENTS distinct users. The requests are
-- built once, at start: request j of thread t takes the window of users
-- starting at ((t + j * threads) * recipients) mod users, so the requests
-- in flight at the same time touch different users.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local recipients = tonumber(os.getenv("BENCH_RECIPIENTS") or "1000")
local prebuilt = tonumber(os.getenv("BENCH_PREBUILT") or "64")
local reqs = {}
local n = 0

setup = common.setup

local function body(first)
   local parts = {}
   for k = 0, recipients - 1 do
      parts[#parts + 1] = string.format('{"user_id":"%s","amount":"1.0"}',
         common.user((first + k) % common.users))
   end
   return string.format('{"reward_batch":{"activity_id":"bench","reward_type":' ..
      '"bench","token_symbol":"%s"},"recipients":[%s]}', common.token,
      table.concat(parts, ","))
end

function init(args)
   local id, threads = common.init_thread()
   local headers = common.headers("application/json")
   local windows = math.max(1, math.floor(common.users / recipients))
   for j = 0, prebuilt - 1 do
      local w = (id + j * threads) % windows
      reqs[j + 1] = wrk.format("POST", "/api/v1/rewards/distribute", headers,
         body(w * recipients))
   end
end

function request()
   n = n % prebuilt + 1
   return reqs[n]
end

done = common.done
