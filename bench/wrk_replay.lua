-- wrk script: replay one fixed HTTP request on every keep-alive connection.
--
-- The request comes from a file written by bench/http_bench.py (or by hand):
--
--   WRK_REQUEST_FILE=path wrk -t1 -c8 -d5s --latency -s bench/wrk_replay.lua http://127.0.0.1:PORT/
--
-- File format (bytes, LF line ends):
--   line 1      method               POST
--   line 2      path                 /
--   lines 3..   headers, Name: value Host: 127.0.0.1:PORT
--   empty line
--   the rest    body, byte for byte  Action=GetCallerIdentity&Version=2011-06-15
--
-- Without WRK_REQUEST_FILE the request is taken from the environment:
--   WRK_METHOD (default GET), WRK_PATH (default /), WRK_BODY (default none) and
--   WRK_HEADERS: "Name: value" lines separated by newlines.
--
-- Content-Length is added by wrk from the body. Give the Host header exactly as it was signed
-- (it is sent as-is; wrk only adds one when the request has none).
--
-- No request()/response() function is defined, so wrk formats the request once and does no
-- per-response Lua work: the client costs as little as wrk can. done() prints one line,
--   WRK_REPLAY_RESULT {"requests":..,"duration_us":..,"p50_us":..,...}
-- for the harness to parse (wrk's own --latency report is printed as well).

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

local function add_header(headers, line)
  local name, value = line:match("^([^:]+):%s*(.-)%s*$")
  if not name then return end
  name = trim(name)
  -- wrk looks for a "Host" key; keep one spelling so that no second Host header is added.
  if name:lower() == "host" then name = "Host" end
  -- Content-Length is computed by wrk.format from the body.
  if name:lower() == "content-length" then return end
  headers[name] = value
end

local function load_file(path)
  local f = assert(io.open(path, "rb"), "wrk_replay.lua: cannot open " .. path)
  local data = f:read("*a")
  f:close()
  local head, body = data:match("^(.-)\n\n(.*)$")
  if not head then head, body = data, "" end
  local lines = {}
  for line in (head .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = line:gsub("\r$", "") end
  assert(#lines >= 2, "wrk_replay.lua: the request file needs a method line and a path line")
  wrk.method = trim(lines[1])
  wrk.path = trim(lines[2])
  wrk.headers = {}
  for i = 3, #lines do add_header(wrk.headers, lines[i]) end
  if #body > 0 then wrk.body = body else wrk.body = nil end
end

local function load_env()
  wrk.method = os.getenv("WRK_METHOD") or "GET"
  wrk.path = os.getenv("WRK_PATH") or "/"
  local body = os.getenv("WRK_BODY")
  if body and #body > 0 then wrk.body = body end
  wrk.headers = {}
  local headers = os.getenv("WRK_HEADERS") or ""
  for line in (headers .. "\n"):gmatch("(.-)\n") do add_header(wrk.headers, line) end
end

local file = os.getenv("WRK_REQUEST_FILE")
if file and #file > 0 then load_file(file) else load_env() end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_REPLAY_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
