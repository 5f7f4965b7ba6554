-- The load of bin/bench, run by wrk (a C load generator): one client session per connection,
-- as a real client of the dialect behaves (it sends the causal metadata it last received with
-- every request and keeps what each answer returns). wrk runs one Lua state per thread, so the
-- bench starts as many threads as connections: one thread, one connection, one session.
--
--   WRK_TARGETS=127.0.0.1:8081,127.0.0.1:8082 wrk -t64 -c64 -d10s -s session.lua http://127.0.0.1:8081 \
--     -- <mode> <dialect> <keys> <value-size> <reads> <nthreads>
--
-- mode: hello (GET /hello, wrk's static request, answers not read in Lua: the statuses are then
-- "2xx" for those below 400 and "other"), get, put, mixed (reads = the share of GETs), load (each key written
-- once, split over the threads, which must be at most <keys>: a key counts as written on a 2xx
-- answer; a refused write is tried again, up to 3 times, then counted as "unwritten"; a thread
-- that has written its share stops and says so on stderr, "wrk-thread-done <id>").
-- wrk itself runs for the whole -d even when every thread has stopped: its caller interrupts it
-- (SIGINT, as Ctrl-C) once it has read a "wrk-thread-done" line from every thread.
-- dialect: kvs, key-value-store, kvs-keys (causalkv), map (the bare Jersey anchor: no metadata),
-- etcd (etcd's v3 JSON gateway: POST /v3/kv/put and /v3/kv/range, keys and values in base64;
-- etcd 3.4 serves it under /v3/ as well as /v3beta/).
-- Threads are spread round-robin over WRK_TARGETS (default: the URL's host). done() prints one
-- line, "wrk-result {json}", that io.causalkv.bench.wrk.WrkResult reads: besides wrk's own
-- counts, the answers by status, "misses" (reads that found no value: a 404, or an etcd range
-- without kvs) and "unwritten" (load: keys given up after refused writes).
--
-- wrk calls request() once on the first thread's state before any connection (to count the
-- requests of a pipeline), and that request is never sent: so no request() here moves state
-- forward; a load moves to its next key in response(), when the answer is in.

local threads = {}
local counter = 0

function setup(thread)
   local targets = {}
   for target in string.gmatch(os.getenv("WRK_TARGETS") or "", "[^,]+") do
      targets[#targets + 1] = target
   end
   if #targets > 0 then
      local target = targets[(counter % #targets) + 1]
      local host, port = string.match(target, "^(.*):(%d+)$")
      thread.addr = wrk.lookup(host, port)[1]
   end
   thread:set("id", counter)
   counter = counter + 1
   threads[#threads + 1] = thread
end

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local band, bor, lshift, rshift = bit.band, bit.bor, bit.lshift, bit.rshift

local function base64(s)
   local out = {}
   for i = 1, #s, 3 do
      local a, b, c = s:byte(i, i + 2)
      local n = bor(lshift(a, 16), lshift(b or 0, 8), c or 0)
      local c1, c2 = rshift(n, 18) + 1, band(rshift(n, 12), 63) + 1
      local c3, c4 = band(rshift(n, 6), 63) + 1, band(n, 63) + 1
      out[#out + 1] = b64chars:sub(c1, c1) .. b64chars:sub(c2, c2)
         .. (b and b64chars:sub(c3, c3) or "=") .. (c and b64chars:sub(c4, c4) or "=")
   end
   return table.concat(out)
end

local mode, dialect, keys, reads, field, path
local value, etcdValue
local metadata = "null"
local nextKey, lastKey, nthreads
local etcdKeys = {}
local lastRead = false
local attempts = 0
local LOAD_ATTEMPTS = 3
statuses = {}
misses = 0
unwritten = 0

function init(args)
   mode = args[1] or "mixed"
   dialect = args[2] or "kvs"
   keys = tonumber(args[3] or "10000")
   local size = tonumber(args[4] or "100")
   reads = tonumber(args[5] or "0.5")
   nthreads = tonumber(args[6] or "1")
   field = dialect == "kvs-keys" and "causal-context" or "causal-metadata"
   path = ({ ["key-value-store"] = "/key-value-store/", ["kvs-keys"] = "/kvs/keys/" })[dialect] or "/kvs/"
   value = string.rep("v", size)
   math.randomseed(os.time() + id * 7919)
   if dialect == "etcd" then etcdValue = base64(value) end
   nextKey, lastKey = id + 1, keys
   if mode == "hello" then
      -- Stateless: the request is wrk's static one (built by wrk.init once this returns) and no
      -- answer is read in Lua, as plain wrk runs: wrk counts the answers of status 400 and above.
      wrk.method, wrk.path = "GET", "/hello"
      request, response = nil, nil
      return
   end
   wrk.headers["Content-Type"] = "application/json"
end

local function etcdKey(i)
   local key = etcdKeys[i]
   if not key then
      key = base64("key" .. i)
      etcdKeys[i] = key
   end
   return key
end

local function keyRequest(write, i)
   if dialect == "etcd" then
      if write then
         return wrk.format("POST", "/v3/kv/put", nil, '{"key":"' .. etcdKey(i) .. '","value":"' .. etcdValue .. '"}')
      end
      return wrk.format("POST", "/v3/kv/range", nil, '{"key":"' .. etcdKey(i) .. '"}')
   end
   local body
   if dialect == "map" then
      body = write and ('{"value":"' .. value .. '"}') or nil
   elseif write then
      body = '{"value":"' .. value .. '","' .. field .. '":' .. metadata .. '}'
   else
      body = '{"' .. field .. '":' .. metadata .. '}'
   end
   return wrk.format(write and "PUT" or "GET", path .. "key" .. i, nil, body)
end

function request()
   if mode == "load" then
      lastRead = false
      return keyRequest(true, nextKey)
   end
   local write = mode == "put" or (mode == "mixed" and math.random() >= reads)
   lastRead = not write
   return keyRequest(write, math.random(keys))
end

-- load: the answer to the write of nextKey is in (one connection per thread, no pipeline).
local function loaded(status)
   attempts = attempts + 1
   if status >= 200 and status < 300 or attempts >= LOAD_ATTEMPTS then
      if status < 200 or status >= 300 then unwritten = unwritten + 1 end
      attempts = 0
      nextKey = nextKey + nthreads
   end
   if nextKey > lastKey then
      io.stderr:write("wrk-thread-done " .. id .. "\n")
      wrk.thread:stop()
   end
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if dialect ~= "etcd" and dialect ~= "map" and status < 500 and body then
      local m = string.match(body, '"' .. field .. '":(%b{})')
      if m then metadata = m end
   end
   if lastRead and (status == 404 or (dialect == "etcd" and status == 200
         and not (body and string.find(body, '"kvs"', 1, true)))) then
      misses = misses + 1
   end
   if mode == "load" then
      loaded(status)
   end
end

function done(summary, latency, requests)
   local counts = {}
   local missed, lost = 0, 0
   for _, thread in ipairs(threads) do
      for status, n in pairs(thread:get("statuses") or {}) do
         counts[status] = (counts[status] or 0) + n
      end
      missed = missed + (thread:get("misses") or 0)
      lost = lost + (thread:get("unwritten") or 0)
   end
   local e = summary.errors
   if next(counts) == nil and summary.requests > 0 then
      -- hello: no answer was read in Lua; wrk counted those of status 400 and above
      counts["2xx"] = summary.requests - e.status
      if e.status > 0 then counts["other"] = e.status end
   end
   local parts = {}
   for status, n in pairs(counts) do parts[#parts + 1] = '"' .. status .. '":' .. n end
   io.write(string.format('wrk-result {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"statuses":{%s},'
      .. '"misses":%d,"unwritten":%d,'
      .. '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
      table.concat(parts, ","), missed, lost, latency.mean, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency:percentile(99.9), latency.max))
end
