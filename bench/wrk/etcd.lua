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

local function range_request(i, serializable)
  local body = '{"key":"' .. C.key64(i) .. (serializable and '","serializable":true}' or '"}')
  return wrk.format("POST", "/v3/kv/range", headers, body)
end

C.serve {
  put = function(i, value)
    return wrk.format("POST", "/v3/kv/put", headers,
      '{"key":"' .. C.key64(i) .. '","value":"' .. (value.b64 or C.base64(value.raw)) .. '"}')
  end,

  read = range_request,

  -- A range of a missing key is a 200 without "kvs": after the preload that is an error.
  read_ok = function(status, body) return status == 200 and body:find('"kvs"', 1, true) ~= nil end,

  cas = function(i, revision, value)
    local k = C.key64(i)
    local body = '{"compare":[{"key":"' .. k .. '","target":"MOD","result":"EQUAL","mod_revision":"' .. revision .. '"}],'
      .. '"success":[{"request_put":{"key":"' .. k .. '","value":"' .. value.b64 .. '"}}],'
      .. '"failure":[{"request_range":{"key":"' .. k .. '","keys_only":true}}]}'
    return wrk.format("POST", "/v3/kv/txn", headers, body)
  end,

  cas_answer = function(status, body)
    if status ~= 200 then return nil end
    if body:find('"succeeded":true', 1, true) then
      -- The txn's revision is the new mod_revision of the key it wrote.
      return true, tonumber(body:match('"revision":"(%d+)"'))
    end
    -- The failure branch read the key back: its mod_revision is the current version.
    return false, tonumber(body:match('"mod_revision":"(%d+)"'))
  end,

  put_version = function(status, body) return status == 200 and body:match('"revision":"(%d+)"') or nil end,
}
