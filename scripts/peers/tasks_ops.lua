-- wrk script of tasks-vs-redmine: the write operations, for giaoban or Redmine (env TARGET), with
-- the headers given by -H (session cookie and CSRF token, or Redmine's API key).
--   OP=create  a new task in unit GB_UNIT (assigned by GB_ASSIGNER) / an issue in project RM_PROJECT
--   OP=update  progress on the tasks / issues listed in IDS_FILE, taken in turn
local target = os.getenv("TARGET")
local op = os.getenv("OP")
local ids = {}
if op == "update" then
  for line in io.lines(os.getenv("IDS_FILE")) do
    if #line > 0 then ids[#ids + 1] = line end
  end
end
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
local n = math.random(1, 1000000)

local function headers()
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  h["Content-Type"] = "application/json"
  return h
end

request = function()
  n = n + 1
  if op == "create" then
    if target == "giaoban" then
      local body = string.format(
        '{"content":"Rà soát, báo cáo kết quả thực hiện (nhiệm vụ tạo khi đo tải %d)","source_kind":"instruction",'
          .. '"assigner_unit_id":"%s","lead_unit_id":"%s","deadline":"2026-12-31"}',
        n, os.getenv("GB_ASSIGNER"), os.getenv("GB_UNIT"))
      return wrk.format("POST", "/api/v1/tasks", headers(), body)
    else
      local body = string.format(
        '{"issue":{"project_id":%s,"tracker_id":3,"subject":"Rà soát, báo cáo kết quả thực hiện (nhiệm vụ tạo khi đo tải %d)",'
          .. '"description":"Rà soát, báo cáo kết quả thực hiện (nhiệm vụ tạo khi đo tải %d)","start_date":"2026-11-23","due_date":"2026-12-31"}}',
        os.getenv("RM_PROJECT"), n, n)
      return wrk.format("POST", "/issues.json", headers(), body)
    end
  else
    local id = ids[(n % #ids) + 1]
    local pct = (n % 9 + 1) * 10
    if target == "giaoban" then
      local body = string.format('{"percent":"%d","note":"Đã thực hiện được %d%% khối lượng."}', pct, pct)
      return wrk.format("POST", "/api/v1/tasks/" .. id .. "/progress", headers(), body)
    else
      local body = string.format('{"issue":{"done_ratio":%d,"notes":"Đã thực hiện được %d%% khối lượng."}}', pct, pct)
      return wrk.format("PUT", "/issues/" .. id .. ".json", headers(), body)
    end
  end
end
