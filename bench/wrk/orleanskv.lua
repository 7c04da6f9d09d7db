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

C.serve {
  put = function(i, value) return wrk.format("PUT", path(i), octets, value.raw) end,

  read = function(i, stale) return wrk.format("GET", path(i) .. (stale and "?consistency=stale" or ""), plain) end,

  read_ok = function(status, body) return status == 200 and #body == C.VALUE_BYTES end,

  cas = function(i, version, value)
    local condition = { ["Content-Type"] = "application/octet-stream", ["If-Match"] = '"' .. version .. '"' }
    return wrk.format("PUT", path(i), condition, value.raw)
  end,

  -- 412 carries currentVersion, so a failed compare re-learns the version.
  cas_answer = function(status, body)
    if status == 200 then return true, tonumber(body:match('"version":(%d+)')) end
    if status == 412 then return false, tonumber(body:match('"currentVersion":(%d+)')) end
    return nil
  end,

  put_version = function(status, body) return status == 200 and body:match('"version":(%d+)') or nil end,
}
