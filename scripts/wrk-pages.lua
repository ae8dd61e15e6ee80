-- wrk script for the survey-page phase of scripts/load: every request GETs another survey link
-- from the file given after `--` (one link per line, as hailong-load --links-out writes them;
-- only the path is sent, to the host wrk was given).
-- Each wrk thread starts at its own place in the list, so threads do not open the same links.
--   wrk -t2 -c16 -d10s --latency -s scripts/wrk-pages.lua http://127.0.0.1:18080 -- links.txt

local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    local path = line:match("^https?://[^/]+(/.*)$") or line
    if #path > 0 then
      paths[#paths + 1] = path
    end
  end
  if #paths == 0 then
    error("no survey links in " .. tostring(args[1]))
  end
  position = offset % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
