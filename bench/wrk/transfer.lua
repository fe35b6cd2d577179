-- POST /api/stock/transfer/ moving whole items back and forth between two locations, so that the inventory keeps
-- its size. bench/api.py fills in the two locations ({a, b}), the items ({{pk, quantity}, ...}) and wrk's thread
-- count; each wrk thread takes its own share of the items, each request the next item of its share and the other
-- location.
local locations = @LOCATIONS@
local items = @ITEMS@
local threads = @THREADS@
local started = 0

function setup(thread)
  thread:set("first", started)
  started = started + 1
end

function init(args)
  share = {}
  for i = first + 1, #items, threads do share[#share + 1] = items[i] end
  turn = 0
  -- The headers given to wrk.format replace wrk's own (-H Authorization, Host): keep them.
  headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/json"
end

function request()
  turn = turn + 1
  local item = share[(turn - 1) % #share + 1]
  local location = locations[(math.floor((turn - 1) / #share) % 2) + 1]
  local body = string.format('{"items": [{"pk": %d, "quantity": "%s"}], "location": %d, "notes": "bench"}',
                             item[1], item[2], location)
  return wrk.format("POST", nil, headers, body)
end
