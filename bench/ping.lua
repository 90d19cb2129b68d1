-- ping.lua: GET of the ceiling route (no database, no auth); the path
-- comes from $BENCH_PING_PATH.
local common = dofile(os.getenv("BENCH_DIR") .. "/common.lua")

local path = os.getenv("BENCH_PING_PATH") or "/api/v1/ping"
local req

setup = common.setup

function init(args)
   common.init_thread()
   req = wrk.format("GET", path, {})
end

function request()
   return req
end

done = common.done
