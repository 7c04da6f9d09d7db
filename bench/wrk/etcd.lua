-- wrk script for etcd's v3 HTTP/JSON gateway (etcd 3.4: POST /v3/kv/...; keys and values
-- base64). The operation comes from BENCH_OP; see common.lua for the environment.
--   put        POST /v3/kv/put    random key, fresh 100-byte value
--   get        POST /v3/kv/range  random key (linearizable: etcd's default)
--   stale_get  POST /v3/kv/range  random key, "serializable": true (answered by the member alone)
--   cas        POST /v3/kv/txn    compare mod_revision == tracked revision, then put;
--                                 failure branch reads the key so the revision can be re-learned
--   preload    POST /v3/kv/put    every key once, recording the revision each was written at

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local C = dofile(here .. "common.lua")

local headers = { ["Content-Type"] = "application/json" }

local function put_request(i, value64)
  return wrk.format("POST", "/v3/kv/put", headers,
    '{"key":"' .. C.key64(i) .. '","value":"' .. value64 .. '"}')
end

local function range_request(i, serializable)
  local body = '{"key":"' .. C.key64(i) .. (serializable and '","serializable":true}' or '"}')
  return wrk.format("POST", "/v3/kv/range", headers, body)
end

local function cas_request(i, revision, value64)
  local k = C.key64(i)
  local body = '{"compare":[{"key":"' .. k .. '","target":"MOD","result":"EQUAL","mod_revision":"' .. revision .. '"}],'
    .. '"success":[{"request_put":{"key":"' .. k .. '","value":"' .. value64 .. '"}}],'
    .. '"failure":[{"request_range":{"key":"' .. k .. '","keys_only":true}}]}'
  return wrk.format("POST", "/v3/kv/txn", headers, body)
end

setup = C.setup
init = C.init
done = C.done

local pending -- cas: the key index of the one outstanding request on this thread

if C.op == "put" then
  request = function() return put_request(C.random_key(), C.next_value().b64) end
  response = function(status) C.count(status == 200) end

elseif C.op == "get" or C.op == "stale_get" then
  local serializable = C.op == "stale_get"
  request = function() return range_request(C.random_key(), serializable) end
  response = function(status, _, body)
    -- A range of a missing key is a 200 without "kvs": after the preload that is an error.
    C.count(status == 200 and body:find('"kvs"', 1, true) ~= nil)
  end

elseif C.op == "cas" then
  request = function()
    pending = C.random_owned_key()
    return cas_request(pending, versions[pending] or 0, C.next_value().b64)
  end
  response = function(status, _, body)
    if status ~= 200 or pending == nil then bad = bad + 1; return end
    if body:find('"succeeded":true', 1, true) then
      -- The txn's revision is the new mod_revision of the key it wrote.
      C.cas_answer(pending, true, tonumber(body:match('"revision":"(%d+)"')))
    else
      -- The failure branch read the key back: its mod_revision is the current version.
      C.cas_answer(pending, false, tonumber(body:match('"mod_revision":"(%d+)"')))
    end
    pending = nil
  end

elseif C.op == "preload" then
  request = function()
    local i = C.preload_index()
    if i == nil then return range_request(0, true) end -- slice done: a harmless read
    return put_request(i, C.base64(C.preload_value(i)))
  end
  response = function(status, _, body)
    C.preload_answer(status == 200 and body:match('"revision":"(%d+)"') or nil)
  end

else
  error("unknown BENCH_OP " .. C.op)
end
