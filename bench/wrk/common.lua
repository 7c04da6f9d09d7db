-- Shared by etcd.lua and orleanskv.lua (loaded with dofile). Everything that is the same for
-- both systems lives here: configuration from the environment, key and value generation,
-- per-thread bookkeeping, the preload walk, the CAS version table, and done(), which writes
-- one JSON line per run.
--
-- Environment (set by bench/compare):
--   BENCH_SYSTEM      etcd | orleanskv (only copied into the result line)
--   BENCH_OP          preload | put | get | stale_get | cas
--   BENCH_KEYS        size of the key space (keys 0 .. BENCH_KEYS-1)
--   BENCH_THREADS     the -t given to wrk (wrk does not tell a thread how many there are)
--   BENCH_CONNECTIONS the -c given to wrk
--   BENCH_OUT         file that done() appends its JSON line to
--   BENCH_VERSIONS    preload: folder for the per-thread version files (versions.<tid>)
--                     cas: the version file "index version" per line, read in setup, rewritten in done
--   BENCH_SEED        base of the per-thread random seeds

local C = {}

C.system = os.getenv("BENCH_SYSTEM") or "?"
C.op = os.getenv("BENCH_OP") or "get"
C.keys = tonumber(os.getenv("BENCH_KEYS") or "100000")
C.threads = tonumber(os.getenv("BENCH_THREADS") or "1")
C.connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "1")
C.out = os.getenv("BENCH_OUT")
C.versions = os.getenv("BENCH_VERSIONS")
C.seed = tonumber(os.getenv("BENCH_SEED") or "20240601")

C.VALUE_BYTES = 100

-- 16-byte ASCII keys: "k" and 15 digits.
function C.key(i)
  return string.format("k%015d", i)
end

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local sextet = {}
for i = 1, 64 do sextet[i - 1] = alphabet:sub(i, i) end

function C.base64(s)
  local out, n = {}, #s
  for i = 1, n, 3 do
    local a, b, c = s:byte(i, i + 2)
    local v = a * 65536 + (b or 0) * 256 + (c or 0)
    local q1 = math.floor(v / 262144) % 64
    local q2 = math.floor(v / 4096) % 64
    local q3 = math.floor(v / 64) % 64
    local q4 = v % 64
    out[#out + 1] = sextet[q1] .. sextet[q2]
      .. (b and sextet[q3] or "=") .. (c and sextet[q4] or "=")
  end
  return table.concat(out)
end

-- A memo of base64 keys: built on first use, so init() stays cheap (wrk starts each thread
-- right after its init, so a slow init would skew the measured rate).
local b64keys = {}
function C.key64(i)
  local k = b64keys[i]
  if not k then
    k = C.base64(C.key(i))
    b64keys[i] = k
  end
  return k
end

-- The preloaded value of key i: 100 bytes, deterministic.
function C.preload_value(i)
  local head = string.format("preload-%015d-", i)
  return head .. string.rep("p", C.VALUE_BYTES - #head)
end

-- A pool of fresh random 100-byte values (printable) for puts and CAS writes.
function C.value_pool(count)
  local pool = {}
  for n = 1, count do
    local bytes = {}
    for j = 1, C.VALUE_BYTES do bytes[j] = string.char(math.random(97, 122)) end
    local raw = table.concat(bytes)
    pool[n] = { raw = raw, b64 = C.base64(raw) }
  end
  return pool
end

-- Per-thread state. tid is set by setup() through thread:set before the thread runs.
tid = tid or 0
ok = 0           -- 2xx answers (for cas: compare succeeded)
bad = 0          -- unexpected answers (non-2xx other than a CAS's expected failure, missing keys)
cas_ok = 0
cas_failed = 0
changed = {}     -- cas: index -> new version, collected by done()
sequence = 0

-- Counts one answer as expected or not.
function C.count(expected)
  if expected then ok = ok + 1 else bad = bad + 1 end
end

-- Records the answer to this thread's outstanding CAS on `key`: whether the compare held, and
-- the version the key has now (learnt from the answer). A failed compare that does not name the
-- key's version means the key is gone, which should not happen: counted as unexpected.
function C.cas_answer(key, succeeded, version)
  if succeeded then
    cas_ok = cas_ok + 1
    ok = ok + 1
  else
    cas_failed = cas_failed + 1
  end
  if version and version > 0 then
    versions[key] = version
    changed[key] = version
  elseif not succeeded then
    bad = bad + 1
  end
end

-- Records the answer to a preload put: acknowledged with its version, or not (resent).
function C.preload_answer(version)
  if preload_pending == nil then return end
  if version then C.preload_ack(version) else bad = bad + 1 end
end

-- Random key in [0, keys): uniform.
function C.random_key()
  return math.random(0, C.keys - 1)
end

-- For cas: this thread owns the keys i with i % threads == tid, so no two threads (and so no
-- two connections: CAS runs one connection per thread) race on a key, and every response is
-- the answer to this thread's one outstanding request.
function C.random_owned_key()
  local span = math.floor((C.keys - 1 - tid) / C.threads)
  return tid + C.threads * math.random(0, span)
end

---------------------------------------------------------------------------------------------
-- setup (main state)

local threads = {}
local version_buckets = nil

local function load_version_buckets()
  version_buckets = {}
  for t = 0, C.threads - 1 do version_buckets[t] = {} end
  local f = assert(io.open(C.versions, "r"), "cannot open versions file " .. tostring(C.versions))
  for line in f:lines() do
    local i, v = line:match("^(%d+) (%d+)")
    if i then
      i = tonumber(i)
      version_buckets[i % C.threads][i] = tonumber(v)
    end
  end
  f:close()
end

function C.setup(thread)
  local id = #threads
  thread:set("tid", id)
  if C.op == "cas" then
    if not version_buckets then load_version_buckets() end
    thread:set("versions", version_buckets[id])
  end
  threads[#threads + 1] = thread
end

---------------------------------------------------------------------------------------------
-- thread init

function C.init()
  math.randomseed(C.seed + 7919 * (tid + 1))
  -- LuaJIT's first few draws after seeding are poorly mixed: discard some.
  for _ = 1, 10 do math.random() end
  values = C.value_pool(64)
  if C.op == "preload" then
    preload_next = tid         -- next index of this thread's slice to send
    preload_pending = nil      -- sent, not yet acknowledged (resent until it is)
    preload_done = 0
    preload_versions = {}
    preload_total = 0
    for _ = tid, C.keys - 1, C.threads do preload_total = preload_total + 1 end
  end
end

function C.next_value()
  sequence = sequence + 1
  return values[(sequence % #values) + 1]
end

---------------------------------------------------------------------------------------------
-- preload: each thread walks its slice once (one connection per thread), resending a key
-- until it is acknowledged, records the version each key was written at, and when its slice
-- is done writes versions.<tid> (atomically, by rename) and stops.

function C.preload_index()
  if preload_pending == nil then
    if preload_next >= C.keys then return nil end
    preload_pending = preload_next
    preload_next = preload_next + C.threads
  end
  return preload_pending
end

function C.preload_ack(version)
  preload_versions[#preload_versions + 1] = preload_pending .. " " .. version
  preload_pending = nil
  preload_done = preload_done + 1
  ok = ok + 1
  if preload_done == preload_total then
    local final = string.format("%s/versions.%d", C.versions, tid)
    local f = assert(io.open(final .. ".tmp", "w"))
    f:write(table.concat(preload_versions, "\n"), "\n")
    f:close()
    os.rename(final .. ".tmp", final)
    wrk.thread:stop()
  end
end

---------------------------------------------------------------------------------------------
-- done (main state): one JSON line with the figures of this run.

local function sum(name)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get(name) or 0) end
  return total
end

local function write_versions()
  -- Merge every thread's changes into the version file for the next CAS run.
  local all = {}
  local f = assert(io.open(C.versions, "r"))
  for line in f:lines() do
    local i, v = line:match("^(%d+) (%d+)")
    if i then all[tonumber(i)] = v end
  end
  f:close()
  for _, t in ipairs(threads) do
    for i, v in pairs(t:get("changed") or {}) do all[i] = tostring(v) end
  end
  local lines = {}
  for i = 0, C.keys - 1 do
    if all[i] then lines[#lines + 1] = i .. " " .. all[i] end
  end
  local w = assert(io.open(C.versions .. ".tmp", "w"))
  w:write(table.concat(lines, "\n"), "\n")
  w:close()
  os.rename(C.versions .. ".tmp", C.versions)
end

function C.done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local n_ok, n_bad = sum("ok"), sum("bad")
  local n_cas_ok, n_cas_failed = sum("cas_ok"), sum("cas_failed")
  -- wrk's own status count includes a CAS's expected 412; ours (bad) does not.
  local errors = e.connect + e.read + e.write + e.timeout + n_bad
  if C.op == "cas" then write_versions() end
  local function ms(us) return us / 1000 end
  local line = string.format(
    '{"system":"%s","op":"%s","threads":%d,"connections":%d,"duration_s":%.3f,"requests":%d,' ..
    '"throughput":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f,' ..
    '"errors":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"bad_status":%d,"ok":%d,"cas_ok":%d,"cas_failed":%d}',
    C.system, C.op, C.threads, C.connections, seconds, summary.requests,
    summary.requests / seconds, ms(latency:percentile(50)), ms(latency:percentile(90)),
    ms(latency:percentile(99)), ms(latency.max), ms(latency.mean),
    errors, e.connect, e.read, e.write, e.timeout, n_bad, n_ok, n_cas_ok, n_cas_failed)
  if C.out then
    local f = assert(io.open(C.out, "a"))
    f:write(line, "\n")
    f:close()
  end
  io.write(line, "\n")
end

---------------------------------------------------------------------------------------------
-- Installs wrk's entry points for BENCH_OP. A system script passes what differs between systems:
--   put(i, value)            request writing `value` (a values entry: .raw, and .b64 unless preloading)
--   read(i, stale)           request reading key i (stale: answered by the contacted member alone)
--   read_ok(status, body)    whether a read found its preloaded key
--   cas(i, version, value)   request writing `value` if key i is still at `version`
--   cas_answer(status, body) succeeded, version now; nil for an unexpected answer
--   put_version(status, body) the version an acknowledged put wrote, or nil
function C.serve(system)
  setup, init, done = C.setup, C.init, C.done
  local pending -- cas: the key index of the one outstanding request on this thread

  if C.op == "put" then
    request = function() return system.put(C.random_key(), C.next_value()) end
    response = function(status) C.count(status == 200) end

  elseif C.op == "get" or C.op == "stale_get" then
    local stale = C.op == "stale_get"
    request = function() return system.read(C.random_key(), stale) end
    response = function(status, _, body) C.count(system.read_ok(status, body)) end

  elseif C.op == "cas" then
    request = function()
      pending = C.random_owned_key()
      return system.cas(pending, versions[pending] or 0, C.next_value())
    end
    response = function(status, _, body)
      local succeeded, version
      if pending ~= nil then succeeded, version = system.cas_answer(status, body) end
      if succeeded == nil then bad = bad + 1 else C.cas_answer(pending, succeeded, version) end
      pending = nil
    end

  elseif C.op == "preload" then
    request = function()
      local i = C.preload_index()
      if i == nil then return system.read(0, true) end -- slice done: a harmless read
      return system.put(i, { raw = C.preload_value(i) })
    end
    response = function(status, _, body) C.preload_answer(system.put_version(status, body)) end

  else
    error("unknown BENCH_OP " .. C.op)
  end
end

return C
