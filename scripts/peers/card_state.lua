-- Per-card state work of a fraud scorer, as a Redis user would write it (scripts/peers.sh).
-- KEYS[1]: the card's hash. ARGV: amount (minor units), event time (ms), latitude, longitude,
-- device id. Reads the card's velocity window, log-amount profile, last location and device
-- (HMGET), scores them, writes them back (HSET), and returns the score in thousandths.
local amount = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local lat = tonumber(ARGV[3])
local lon = tonumber(ARGV[4])
local device = ARGV[5]
local s = redis.call('HMGET', KEYS[1], 'window_start', 'window_count', 'n', 'mean', 'm2',
                     'last_time', 'last_lat', 'last_lon', 'device')
local window_start = tonumber(s[1]) or now
local window_count = tonumber(s[2]) or 0
local n = tonumber(s[3]) or 0
local mean = tonumber(s[4]) or 0
local m2 = tonumber(s[5]) or 0
local last_time = tonumber(s[6])
local last_lat = tonumber(s[7])
local last_lon = tonumber(s[8])
local last_device = s[9]

-- Velocity: transactions in the current hour.
if now - window_start > 3600000 or now < window_start then
  window_start = now
  window_count = 0
end
window_count = window_count + 1
local velocity = math.min(window_count / 10, 1)

-- Amount: how far the log-amount is from the card's running mean (Welford).
local x = math.log(math.max(amount, 1))
local amount_score = 0
if n >= 3 then
  local sd = math.sqrt(m2 / (n - 1)) + 0.1
  amount_score = math.min(math.max((x - mean) / sd / 4, 0), 1)
end
n = n + 1
local delta = x - mean
mean = mean + delta / n
m2 = m2 + delta * (x - mean)

-- Geographic: implied speed since the last located use (equirectangular distance).
local geo = 0
if last_time and last_lat and now > last_time then
  local dx = math.rad(lon - last_lon) * math.cos(math.rad((lat + last_lat) / 2))
  local dy = math.rad(lat - last_lat)
  local km = 6371 * math.sqrt(dx * dx + dy * dy)
  local hours = (now - last_time) / 3600000
  geo = math.min(km / hours / 1000, 1)
end

-- Device: a device the card has not used last time.
local device_score = 0
if last_device and last_device ~= device then device_score = 0.5 end

redis.call('HSET', KEYS[1], 'window_start', window_start, 'window_count', window_count, 'n', n,
           'mean', mean, 'm2', m2, 'last_time', now, 'last_lat', lat, 'last_lon', lon, 'device', device)
local score = 1 - (1 - amount_score * 0.4) * (1 - velocity * 0.3) * (1 - geo * 0.5) * (1 - device_score * 0.3)
return math.floor(score * 1000)
