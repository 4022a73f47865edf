-- wrk script: POST one small chat completion. BENCH_PATH, BENCH_MODEL, BENCH_KEY and BENCH_HEADERS
-- (extra "Name: value" pairs separated by ';') come from the environment.
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
local extra = os.getenv("BENCH_HEADERS") or ""
for name, value in string.gmatch(extra, "([^:;]+):%s*([^;]+)") do wrk.headers[name] = value end
local stream = os.getenv("BENCH_STREAM") == "true"
-- BENCH_PROVIDER pins the gateway to one provider, so every target answers from the same upstream
local pin = os.getenv("BENCH_PROVIDER")
local prefs = (pin and pin ~= "") and (',"provider":{"only":["' .. pin .. '"]}') or ""
wrk.body = '{"model":"' .. os.getenv("BENCH_MODEL") .. '"' .. prefs .. ',"stream":' .. tostring(stream) ..
  ',"messages":[{"role":"user","content":"Write one short sentence about the sea."}]}'

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("status " .. status .. ": " .. string.sub(body or "", 1, tonumber(os.getenv("BENCH_ERRLEN") or "200")) .. "\n") end
  end
end
