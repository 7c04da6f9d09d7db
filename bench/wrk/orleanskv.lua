-- wrk script for the OrleansKv HTTP gateway (raw value bytes, versions as ETags). The
-- operation comes from BENCH_OP; see common.lua for the environment.
--   put        PUT /v1/kv/{key}                     random key, fresh 100-byte value
--   get        GET /v1/kv/{key}                     random key, linearizable (the default)
--   stale_get  GET /v1/kv/{key}?consistency=stale   random key, answered by the silo alone
--   cas        PUT /v1/kv/{key}, If-Match: "<v>"    tracked version; 200 or 412 (412 carries
--                                                   currentVersion, so the version is re-learned)
--   preload    PUT /v1/kv/{key}                     every key once, recording each key's version

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(here .. "common.lua")

local plain = {}
local octets = { ["Content-Type"] = "application/octet-stream" }

local paths = {}
local function path(i)
  local p = paths[i]
  if not p then
    p = "/v1/kv/" .. C.key(i)
    paths[i] = p
  end
  return p
end

local function put_request(i, value)
  return wrk.format("PUT", path(i), octets, value)
end

setup = C.setup
init = C.init
done = C.done

local pending -- cas: the key index of the one outstanding request on this thread

if C.op == "put" then
  request = function() return put_request(C.random_key(), C.next_value().raw) end
  response = function(status) C.count(status == 200) end

elseif C.op == "get" or C.op == "stale_get" then
  local suffix = C.op == "stale_get" and "?consistency=stale" or ""
  request = function() return wrk.format("GET", path(C.random_key()) .. suffix, plain) end
  response = function(status, _, body)
    C.count(status == 200 and #body == C.VALUE_BYTES)
  end

elseif C.op == "cas" then
  request = function()
    pending = C.random_owned_key()
    local condition = { ["Content-Type"] = "application/octet-stream",
                        ["If-Match"] = '"' .. (versions[pending] or 0) .. '"' }
    return wrk.format("PUT", path(pending), condition, C.next_value().raw)
  end
  response = function(status, _, body)
    if pending == nil then bad = bad + 1; return end
    if status == 200 then
      C.cas_answer(pending, true, tonumber(body:match('"version":(%d+)')))
    elseif status == 412 then
      C.cas_answer(pending, false, tonumber(body:match('"currentVersion":(%d+)')))
    else
      bad = bad + 1
    end
    pending = nil
  end

elseif C.op == "preload" then
  request = function()
    local i = C.preload_index()
    if i == nil then return wrk.format("GET", path(0) .. "?consistency=stale", plain) end -- slice done: a harmless read
    return put_request(i, C.preload_value(i))
  end
  response = function(status, _, body)
    C.preload_answer(status == 200 and body:match('"version":(%d+)') or nil)
  end

else
  error("unknown BENCH_OP " .. C.op)
end
