-- wrk script of make bench (bench/run.py). Arguments after "--":
--   mode=get      GET the URL's page; anything but 200 counts as an error (a 302 to /login too)
--   mode=create   as a browser: GET the form (form=<path>), take its csrf_token and form_token,
--                 POST it (post=<path>, fields=<url-encoded fields without the tokens>); the
--                 POST must answer 303 to a page other than /login. tokens=required: a form
--                 without a form_token is an error (the app's create forms all have one).
--   limit=<n>     each thread stops after n answers (the run is bounded in requests and time)
-- done() prints one line "BENCH_JSON {...}" with the counts and the latency percentiles.

local mode, form_path, post_path, fields, limit, need_tokens = "get", nil, nil, "", 0, false
local tokens = {}   -- forms fetched by this thread, waiting for their POST (first in, first out)
-- Per-thread counts, as globals of scalars: done() reads them with thread:get(), which copies
-- numbers and strings (wrk 4.1 crashes copying a table). status_<code> counts each status seen;
-- seen lists the codes ("200,303,").
-- n_posts counts the POSTs sent and n_posted those answered: the difference were still on their way
-- when wrk stopped (the server may have saved them).
-- n_sent counts every request sent: those not answered when wrk stopped were still being served.
n_requests, n_ok, n_bad, n_creates, n_posts, n_posted, n_sent, seen = 0, 0, 0, 0, 0, 0, 0, ""

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for _, arg in ipairs(args) do
    local key, value = arg:match("^([%w_]+)=(.*)$")
    if key == "mode" then mode = value
    elseif key == "form" then form_path = value
    elseif key == "post" then post_path = value
    elseif key == "fields" then fields = value
    elseif key == "limit" then limit = tonumber(value)
    elseif key == "tokens" then need_tokens = value == "required"
    end
  end
end

local function url_encode(text)
  return (text:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function copy_headers(extra)
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  for name, value in pairs(extra or {}) do headers[name] = value end
  return headers
end

function request()
  n_sent = n_sent + 1
  if mode == "create" then
    local form = table.remove(tokens, 1)
    if form then
      n_posts = n_posts + 1
      local body = fields
      if form.csrf then body = body .. "&csrf_token=" .. url_encode(form.csrf) end
      if form.once then body = body .. "&form_token=" .. url_encode(form.once) end
      local headers = copy_headers({ ["Content-Type"] = "application/x-www-form-urlencoded" })
      return wrk.format("POST", post_path, headers, body)
    end
    return wrk.format("GET", form_path, copy_headers())
  end
  return wrk.format("GET", nil, copy_headers())
end

local function count(good)
  if good then n_ok = n_ok + 1 else n_bad = n_bad + 1 end
end

function response(status, headers, body)
  n_requests = n_requests + 1
  local key = "status_" .. status
  if _G[key] == nil then
    _G[key] = 0
    seen = seen .. status .. ","
  end
  _G[key] = _G[key] + 1
  if mode == "create" then
    if status ~= 200 then n_posted = n_posted + 1 end
    if status == 200 then
      local csrf = body:match('name="csrf_token"[^>]-value="([^"]+)"')
      local once = body:match('name="form_token"[^>]-value="([^"]+)"')
      if need_tokens and not once then
        count(false)
      else
        table.insert(tokens, { csrf = csrf, once = once })
        count(true)
      end
    elseif status == 303 then
      local location = headers["Location"] or headers["location"] or ""
      local created = not location:find("/login", 1, true)
      if created then n_creates = n_creates + 1 end
      count(created)
    else
      count(false)
    end
  else
    count(status == 200)
  end
  if limit > 0 and n_requests >= limit then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local total = { requests = 0, ok = 0, bad = 0, creates = 0, unanswered = 0, sent = 0, statuses = {} }
  for _, thread in ipairs(threads) do
    total.requests = total.requests + thread:get("n_requests")
    total.sent = total.sent + thread:get("n_sent")
    total.ok = total.ok + thread:get("n_ok")
    total.bad = total.bad + thread:get("n_bad")
    total.creates = total.creates + thread:get("n_creates")
    total.unanswered = total.unanswered + thread:get("n_posts") - thread:get("n_posted")
    for code in string.gmatch(thread:get("seen"), "(%d+),") do
      total.statuses[code] = (total.statuses[code] or 0) + thread:get("status_" .. code)
    end
  end
  local codes = {}
  for code, n in pairs(total.statuses) do
    table.insert(codes, string.format('"%s": %d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "answered": %d, "ok": %d, "bad": %d, "creates": %d, '
      .. '"unanswered_posts": %d, "sent": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, "status_errors": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %d, "max_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, total.requests, total.ok, total.bad, total.creates, total.unanswered, total.sent,
    e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max,
    table.concat(codes, ", ")
  ))
end
