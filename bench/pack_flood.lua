-- wrk script for bench/pack_flood.py: every request asks for the next print pack in the list
-- (FLOOD_URLS_FILE, one path a line), the threads taking turns so that no two ask for the same one,
-- and the list starting again from the top when it runs out. At the end it says how many packs were
-- answered 200 (rendered, or found on disk), 503 (the app's refusal) and 429 (nginx's limit).

local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("FLOOD_URLS_FILE")) do
    paths[#paths + 1] = line
  end
  index = offset
  stride = tonumber(os.getenv("FLOOD_THREADS"))
  answered_200, answered_503, answered_429 = 0, 0, 0
end

function request()
  local path = paths[index % #paths + 1]
  index = index + stride
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status == 200 then
    answered_200 = answered_200 + 1
  elseif status == 503 then
    answered_503 = answered_503 + 1
  elseif status == 429 then
    answered_429 = answered_429 + 1
  end
end

function done(summary, latency, requests)
  for _, status in ipairs({"200", "503", "429"}) do
    local total = 0
    for _, thread in ipairs(threads) do
      total = total + thread:get("answered_" .. status)
    end
    io.write(string.format("Answered %s: %d\n", status, total))
  end
end
