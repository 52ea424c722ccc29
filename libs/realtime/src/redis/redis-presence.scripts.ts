/*
 * Lua of RedisPresenceStore. One hash per user and one per room, each script on one key:
 *   `e:<instance>`          when that instance's part expires (ms, Redis's clock — TIME — so
 *                           that instances' clocks may disagree);
 *   `m:<instance>:<member>` that member's connections on the instance (for a user's hash the
 *                           member is empty: `m:<instance>:`; for a room's, a user id).
 * A part whose `e:` has passed belongs to a dead instance: every script that reads the hash
 * drops it. Every write also extends the hash's own expiry, so a hash nobody writes disappears.
 *
 * Redis 6.2+ (scripts replicated as effects, so TIME may precede writes).
 */

const PRELUDE = `
local key = KEYS[1]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local function hdel(fields)
  for i = 1, #fields, 1000 do
    redis.call('HDEL', key, unpack(fields, i, math.min(i + 999, #fields)))
  end
end

-- Per member, the connections on live instances; deletes the fields of dead ones.
local function sweep()
  local all = redis.call('HGETALL', key)
  local live = {}
  for i = 1, #all, 2 do
    local field = all[i]
    if string.sub(field, 1, 2) == 'e:' and tonumber(all[i + 1]) > now then
      live[string.sub(field, 3)] = true
    end
  end
  local counts, dead = {}, {}
  for i = 1, #all, 2 do
    local field = all[i]
    local instance, member
    if string.sub(field, 1, 2) == 'm:' then
      local sep = string.find(field, ':', 3, true)
      if sep then
        instance = string.sub(field, 3, sep - 1)
        member = string.sub(field, sep + 1)
      end
    else
      instance = string.sub(field, 3)
    end
    if instance == nil or not live[instance] then
      dead[#dead + 1] = field
    elseif member ~= nil then
      counts[member] = (counts[member] or 0) + tonumber(all[i + 1])
    end
  end
  hdel(dead)
  return counts
end

local function touch(instance, ttl)
  redis.call('HSET', key, 'e:' .. instance, now + ttl)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
`;

/** → `[member, connections, …]` over the live instances. */
export const READ_SCRIPT = `${PRELUDE}
local out = {}
for member, count in pairs(sweep()) do
  if count > 0 then
    out[#out + 1] = member
    out[#out + 1] = count
  end
end
return out
`;

/** ARGV: instance, max, ttl. → 1 if one more connection was counted, 0 if the user holds max. */
export const CLAIM_SCRIPT = `${PRELUDE}
if (sweep()[''] or 0) >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', key, 'm:' .. ARGV[1] .. ':', 1)
touch(ARGV[1], tonumber(ARGV[3]))
return 1
`;

/** ARGV: instance, member, delta, ttl. */
export const CHANGE_SCRIPT = `${PRELUDE}
local field = 'm:' .. ARGV[1] .. ':' .. ARGV[2]
local count = redis.call('HINCRBY', key, field, ARGV[3])
if count <= 0 then redis.call('HDEL', key, field) end
if count <= 0 and ARGV[2] == '' then
  -- A user's last connection on the instance: its part is gone (and the hash with it if last).
  redis.call('HDEL', key, 'e:' .. ARGV[1])
else
  touch(ARGV[1], tonumber(ARGV[4]))
end
return count
`;

/**
 * ARGV: instance, ttl, mode, then member, count pairs. Mode `touch` only extends the part's
 * life; `set` makes the instance's part exactly the pairs given (none: removes it).
 */
export const REFRESH_SCRIPT = `${PRELUDE}
local instance, ttl = ARGV[1], tonumber(ARGV[2])
if ARGV[3] == 'touch' then
  touch(instance, ttl)
  return 1
end
local prefix = 'm:' .. instance .. ':'
local given = {}
for i = 4, #ARGV, 2 do given[ARGV[i]] = true end
local stale = {}
for _, field in ipairs(redis.call('HKEYS', key)) do
  if string.sub(field, 1, #prefix) == prefix and not given[string.sub(field, #prefix + 1)] then
    stale[#stale + 1] = field
  end
end
hdel(stale)
if #ARGV < 4 then
  redis.call('HDEL', key, 'e:' .. instance)
  return 1
end
local values = {}
for i = 4, #ARGV, 2 do
  values[#values + 1] = prefix .. ARGV[i]
  values[#values + 1] = ARGV[i + 1]
  if #values >= 1000 then
    redis.call('HSET', key, unpack(values))
    values = {}
  end
end
if #values > 0 then redis.call('HSET', key, unpack(values)) end
touch(instance, ttl)
return 1
`;
