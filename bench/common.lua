-- common.lua: what the wrk scripts of bench/run share. Each script loads
-- it with dofile() from $BENCH_DIR. Settings come from the environment
-- (bench/run sets them); the API key never appears on a command line.
local common = {}

common.key = os.getenv("BENCH_KEY")
common.users = tonumber(os.getenv("BENCH_USERS") or "100000")
common.prefix = os.getenv("BENCH_USER_PREFIX") or "bench-u"
common.token = os.getenv("BENCH_TOKEN") or "CPOP"

-- Gives every wrk thread its own number (setup runs in the main state).
local next_id = 0
function common.setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
end

-- The thread's number, its count, and a random seed of its own.
function common.init_thread()
   local id = tonumber(wrk.thread:get("id")) or 0
   local threads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
   math.randomseed(os.time() * 1000 + id * 7919)
   return id, threads
end

function common.headers(content_type)
   local h = { ["Authorization"] = "Bearer " .. (common.key or "") }
   if content_type then
      h["Content-Type"] = content_type
   end
   return h
end

function common.user(n)
   return common.prefix .. n
end

-- Requests drawn at random are formatted once, at start, into a pool of
-- this many per thread, and picked from it at random: wrk then spends its
-- CPU (taken from the same cores as the server's) on sending, not on
-- formatting.  Writes on a user at the same time stay as rare as with
-- users drawn afresh (32 in flight among thousands).
common.pool_size = tonumber(os.getenv("BENCH_POOL") or "8192")

-- Fills a pool with make(i) for i = 1 .. pool_size and returns a request()
-- that picks from it.
function common.pool(make)
   local pool = {}
   for i = 1, common.pool_size do
      pool[i] = make(i)
   end
   local n = #pool
   return function()
      return pool[math.random(1, n)]
   end
end

-- Prints one "wrk key=value ..." line for bench/run: counts, rate, latency
-- percentiles in microseconds, and every kind of error wrk counts (status
-- counts responses outside 2xx/3xx).
function common.done(summary, latency, requests)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "wrk requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d" ..
      " p999_us=%d max_us=%d mean_us=%.0f errors_status=%d errors_connect=%d" ..
      " errors_read=%d errors_write=%d errors_timeout=%d\n",
      summary.requests, summary.duration, summary.requests / seconds,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.max, latency.mean, e.status, e.connect,
      e.read, e.write, e.timeout))
end

return common
