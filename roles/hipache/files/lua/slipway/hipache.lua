-- Slipway router: hipache's Redis routing protocol on nginx + ngx_lua.
--
-- Phases (see router.conf):
--   access   route(): normalise the Host, find the route (shared-dict cache,
--            Redis on a miss, stale copy while Redis is unreachable), answer
--            the router's own responses, choose a random live backend.
--   balancer balance(): hand the chosen peer to nginx; on a retry, report
--            the failed peer and choose another one.
--   log      log(): report a failure of the last attempt, or a backend that
--            answered with a status that marks it dead.
-- Dead-marking runs in a zero-delay timer (cosockets are not available in
-- the balancer and log phases).
--
-- Cache entry, one string per requested host in the shared dict, fields
-- separated by newlines:
--   fresh_until, dead_until, dead indexes (comma separated, 0-based),
--   matched frontend name ("" when no frontend matched), identifier,
--   backend URLs...
-- Each worker keeps the decoded form of the last string it saw per host.

local balancer = require "ngx.balancer"
local lrucache = require "resty.lrucache"
local ffi = require "ffi"

local redis
do
    local ok, mod = pcall(require, "resty.redis")
    if not ok then
        mod = require "nginx.redis" -- Debian's name for lua-resty-redis
    end
    redis = mod
end

local ngx = ngx
local ngx_var = ngx.var
local ngx_now = ngx.now
local ngx_log = ngx.log
local ERR, WARN, NOTICE = ngx.ERR, ngx.WARN, ngx.NOTICE
local byte, sub, find, lower, match, gmatch, format =
    string.byte, string.sub, string.find, string.lower, string.match, string.gmatch, string.format
local concat, tonumber, tostring, type, random, pairs =
    table.concat, tonumber, tostring, type, math.random, pairs

local _M = { _VERSION = "1.0" }

local DICT_NAME = "hipache_routes"
local MAX_WILDCARD_LABELS = 5 -- "*." plus at most 5 labels: 6 labels at most
local FOREVER = 10 * 365 * 24 * 3600

local conf
local routes -- ngx.shared dict
local decoded -- per-worker lrucache: host -> { raw = string, route = table }

local DEFAULTS = {
    redis_host = "127.0.0.1",
    redis_port = 6379,
    redis_password = "",
    redis_db = 0,
    redis_timeout_ms = 500,
    redis_pool_size = 32,
    redis_idle_timeout_ms = 60000,
    redis_retry_interval = 1,
    key_prefix = "",
    cache_ttl = 1,
    stale_ttl = 86400,
    worker_cache_items = 10000,
    retries = 3,
    unknown_frontend_status = 404,
    mark_dead_on_5xx = true,
    dead_ttl = 30,
    hchecker_window = 30,
    probe_timeout_ms = 3000,
}

---------------------------------------------------------------------------
-- Host name resolution for the Redis server (once, when nginx starts or
-- reloads; getaddrinfo honours /etc/hosts and the system resolver).

ffi.cdef [[
struct slipway_sockaddr_in {
    unsigned short family;
    unsigned short port;
    unsigned char addr[4];
    unsigned char zero[8];
};
struct slipway_addrinfo {
    int flags;
    int family;
    int socktype;
    int protocol;
    unsigned int addrlen;
    struct slipway_sockaddr_in *addr;
    char *canonname;
    struct slipway_addrinfo *next;
};
int getaddrinfo(const char *node, const char *service,
                const struct slipway_addrinfo *hints,
                struct slipway_addrinfo **res);
void freeaddrinfo(struct slipway_addrinfo *res);
]]

local function is_ipv4(s)
    local a, b, c, d = match(s, "^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
    if not a then
        return false
    end
    return tonumber(a) < 256 and tonumber(b) < 256 and tonumber(c) < 256 and tonumber(d) < 256
end

local function is_ipv6(s)
    return find(s, ":", 1, true) ~= nil and match(s, "^[%x:.]+$") ~= nil
end

local function resolve_ipv4(name)
    if is_ipv4(name) or is_ipv6(name) then
        return name
    end
    local hints = ffi.new("struct slipway_addrinfo")
    hints.family = 2 -- AF_INET
    hints.socktype = 1 -- SOCK_STREAM
    local res = ffi.new("struct slipway_addrinfo *[1]")
    local rc = ffi.C.getaddrinfo(name, nil, hints, res)
    if rc ~= 0 or res[0] == nil then
        return nil, "cannot resolve " .. name .. " (getaddrinfo " .. rc .. ")"
    end
    local a = res[0].addr.addr
    local ip = format("%d.%d.%d.%d", a[0], a[1], a[2], a[3])
    ffi.C.freeaddrinfo(res[0])
    return ip
end

---------------------------------------------------------------------------
-- Configuration

function _M.init(user_conf)
    local c = {}
    for k, v in pairs(DEFAULTS) do
        c[k] = v
    end
    for k, v in pairs(user_conf or {}) do
        if DEFAULTS[k] == nil then
            error("slipway.hipache: unknown setting " .. tostring(k))
        end
        c[k] = v
    end
    local ip, err = resolve_ipv4(c.redis_host)
    if not ip then
        -- keep the name: the router still starts and serves nothing new
        -- until the name resolves on a reload
        ngx_log(ERR, "slipway.hipache: ", err)
        ip = c.redis_host
    end
    if is_ipv6(ip) then
        ip = "[" .. ip .. "]"
    end
    c.redis_addr = ip
    c.frontend_prefix = c.key_prefix .. "frontend:"
    c.dead_prefix = c.key_prefix .. "dead:"
    c.hchecker_key = c.key_prefix .. "hchecker_ping"
    c.lock_ttl = c.redis_timeout_ms * 3 / 1000 + 0.5
    conf = c
    routes = ngx.shared[DICT_NAME]
    if not routes then
        error("slipway.hipache: lua_shared_dict " .. DICT_NAME .. " is not declared")
    end
    decoded = assert(lrucache.new(c.worker_cache_items))
end

function _M.init_worker()
    math.randomseed(ngx.worker.pid() * 1000 + (ngx_now() * 1000) % 1000)
    -- every worker has its own copy of the master's cache object; start empty
    decoded = assert(lrucache.new(conf.worker_cache_items))
end

---------------------------------------------------------------------------
-- Responses generated by the router itself

local function respond(status, body)
    ngx.status = status
    local h = ngx.header
    h["Content-Type"] = "text/plain; charset=utf-8"
    h["Cache-Control"] = "no-cache"
    if body ~= "" then
        body = body .. "\n"
    end
    h["Content-Length"] = #body
    if body ~= "" then
        ngx.print(body)
    end
    return ngx.exit(ngx.HTTP_OK)
end

---------------------------------------------------------------------------
-- Host handling

local function normalise_host(raw)
    local host
    if byte(raw, 1) == 91 then -- "[": IPv6 literal, maybe with a port
        local close = find(raw, "]", 2, true)
        host = close and sub(raw, 1, close) or raw
    else
        local colon = find(raw, ":", 1, true)
        host = colon and sub(raw, 1, colon - 1) or raw
    end
    if byte(host, -1) == 46 then -- trailing "."
        host = sub(host, 1, -2)
    end
    return lower(host)
end

-- Frontend names to try, most specific first: the host itself, then "*."
-- plus each shorter suffix (5 labels at most), then "*".
local function frontend_names(host)
    local names = { host }
    local labels = {}
    for label in gmatch(host, "[^.]+") do
        labels[#labels + 1] = label
    end
    local n = #labels
    local first = n - MAX_WILDCARD_LABELS + 1
    if first < 2 then
        first = 2
    end
    for i = first, n do
        names[#names + 1] = "*." .. concat(labels, ".", i, n)
    end
    names[#names + 1] = "*"
    return names
end
_M.frontend_names = frontend_names -- exposed for tests

---------------------------------------------------------------------------
-- Backend URLs

local function parse_backend(url)
    local scheme, rest = match(url, "^(%a[%w+.-]*)://(.*)$")
    if not scheme then
        return nil, "not a URL"
    end
    if lower(scheme) ~= "http" then
        return nil, "unsupported scheme " .. scheme
    end
    local authority = match(rest, "^([^/?#]*)")
    if find(authority, "@", 1, true) then
        return nil, "credentials in backend URL"
    end
    local host, port
    if byte(authority, 1) == 91 then
        host, port = match(authority, "^%[([%x:.]+)%]:?(%d*)$")
    else
        host, port = match(authority, "^([^:]+):?(%d*)$")
    end
    if not host then
        return nil, "bad host or port"
    end
    port = port == "" and 80 or tonumber(port)
    if port < 1 or port > 65535 then
        return nil, "bad port"
    end
    host = lower(host)
    if host == "localhost" then
        host = "127.0.0.1"
    end
    if is_ipv6(host) then
        host = "[" .. host .. "]" -- the form nginx parses, with a port apart
    elseif not is_ipv4(host) then
        return nil, "backend host must be an IP address"
    end
    return { url = url, ip = host, port = port }
end

---------------------------------------------------------------------------
-- Cache entries

local function encode(fresh_until, dead_until, dead_list, name, ident, urls)
    local parts = {
        format("%.3f", fresh_until),
        format("%.3f", dead_until),
        concat(dead_list, ","),
        name,
        ident,
    }
    for i = 1, #urls do
        local u = urls[i]
        if find(u, "[\r\n]") then
            u = "invalid:" .. ngx.escape_uri(u) -- keeps its index, never parses
        end
        parts[#parts + 1] = u
    end
    return concat(parts, "\n")
end

local function decode(raw, host)
    local fields = {}
    local start = 1
    while true do
        local nl = find(raw, "\n", start, true)
        if not nl then
            fields[#fields + 1] = sub(raw, start)
            break
        end
        fields[#fields + 1] = sub(raw, start, nl - 1)
        start = nl + 1
    end
    local route = {
        fresh_until = tonumber(fields[1]) or 0,
        dead_until = tonumber(fields[2]) or 0,
        dead_list = {},
        dead = {},
        name = fields[4] or "",
        ident = fields[5] or "",
        urls = {},
        backends = {},
        usable = {}, -- indexes (1-based) of parsable backends
        alive = {}, -- ... of those, the ones not in the dead set
    }
    for idx in gmatch(fields[3] or "", "%d+") do
        local i = tonumber(idx)
        route.dead_list[#route.dead_list + 1] = i
        route.dead[i] = true
    end
    for f = 6, #fields do
        local i = f - 5
        local url = fields[f]
        route.urls[i] = url
        local backend, err = parse_backend(url)
        if backend then
            route.backends[i] = backend
            route.usable[#route.usable + 1] = i
            if not route.dead[i - 1] then
                route.alive[#route.alive + 1] = i
            end
        elseif routes:add("w:" .. host .. "#" .. url, true, 60) then -- once a minute
            ngx_log(WARN, "slipway.hipache: ", host, ": ignoring backend ", i - 1, " \"", url, "\": ", err)
        end
    end
    route.n = #route.urls
    return route
end

local function cached_route(host)
    local raw = routes:get("r:" .. host)
    if not raw then
        return nil
    end
    local item = decoded:get(host)
    if item and item.raw == raw then
        return item.route
    end
    local route = decode(raw, host)
    decoded:set(host, { raw = raw, route = route })
    return route
end

local function store(host, raw)
    local ok, err, forcible = routes:set("r:" .. host, raw, conf.stale_ttl)
    if not ok then
        ngx_log(ERR, "slipway.hipache: cannot cache the route of ", host, ": ", err)
    elseif forcible then
        ngx_log(NOTICE, "slipway.hipache: route cache full, evicted older routes")
    end
end

---------------------------------------------------------------------------
-- Redis

local function redis_connect()
    local red = redis:new()
    red:set_timeout(conf.redis_timeout_ms)
    local ok, err = red:connect(conf.redis_addr, conf.redis_port, { pool = "slipway_hipache" })
    if not ok then
        return nil, "connect: " .. tostring(err)
    end
    if red:get_reused_times() == 0 then
        if conf.redis_password ~= "" then
            ok, err = red:auth(conf.redis_password)
            if not ok then
                red:close()
                return nil, "auth: " .. tostring(err)
            end
        end
        if conf.redis_db ~= 0 then
            ok, err = red:select(conf.redis_db)
            if not ok then
                red:close()
                return nil, "select: " .. tostring(err)
            end
        end
    end
    return red
end

local function redis_release(red)
    local ok, err = red:set_keepalive(conf.redis_idle_timeout_ms, conf.redis_pool_size)
    if not ok then
        ngx_log(WARN, "slipway.hipache: redis keepalive: ", err)
        red:close()
    end
end

local function redis_down(err)
    ngx_log(ERR, "slipway.hipache: redis ", conf.redis_addr, ":", conf.redis_port, ": ", err)
    routes:set("redis_down", true, conf.redis_retry_interval)
end

-- One pipelined round trip: every candidate frontend list, the dead set of
-- the requested host (members and time to live) and the health checker's ping.
local function fetch(host)
    local red, err = redis_connect()
    if not red then
        return nil, err
    end
    local names = frontend_names(host)
    local dead_key = conf.dead_prefix .. host
    red:init_pipeline()
    for i = 1, #names do
        red:lrange(conf.frontend_prefix .. names[i], 0, -1)
    end
    red:smembers(dead_key)
    red:pttl(dead_key)
    red:get(conf.hchecker_key)
    local res
    res, err = red:commit_pipeline()
    if not res then
        red:close()
        return nil, "lookup: " .. tostring(err)
    end
    redis_release(red)

    local now = ngx_now()
    local name, list = "", nil
    for i = 1, #names do
        local r = res[i]
        if type(r) == "table" then
            if r[1] == false then
                ngx_log(WARN, "slipway.hipache: ", conf.frontend_prefix, names[i], ": ", r[2])
            elseif #r > 0 then
                name, list = names[i], r
                break
            end
        end
    end

    local nn = #names
    local dead_list = {}
    local dead_until = 0
    local members = res[nn + 1]
    if type(members) == "table" and members[1] ~= false and #members > 0 then
        for i = 1, #members do
            local idx = tonumber(members[i])
            if idx then
                dead_list[#dead_list + 1] = idx
            end
        end
        local pttl = tonumber(res[nn + 2]) or -1
        dead_until = pttl >= 0 and now + pttl / 1000 or now + FOREVER
    end

    local ping = tonumber(res[nn + 3])
    if ping then
        routes:set("hchecker_ping", ping)
    else
        routes:delete("hchecker_ping")
    end

    local ident, urls = "", {}
    if list then
        ident = list[1]
        for i = 2, #list do
            urls[i - 1] = list[i]
        end
    end
    return encode(now + conf.cache_ttl, dead_until, dead_list, name, ident, urls)
end

-- The route of a host: fresh from the cache, else from Redis, else the
-- stale cached copy (Redis unreachable, or another request is refreshing).
local function get_route(host)
    local route = cached_route(host)
    if route and route.fresh_until > ngx_now() then
        return route
    end
    local lock = "l:" .. host
    if route then
        if routes:get("redis_down") then
            return route
        end
        if not routes:add(lock, true, conf.lock_ttl) then
            return route
        end
    elseif routes:get("redis_down") then
        return nil, "redis unavailable"
    end
    local raw, err = fetch(host)
    if route then
        routes:delete(lock)
    end
    if not raw then
        redis_down(err)
        if route then
            return route
        end
        return nil, err
    end
    store(host, raw)
    return cached_route(host) or decode(raw, host)
end

---------------------------------------------------------------------------
-- Dead-marking

local function hchecker_active()
    local ping = routes:get("hchecker_ping")
    return ping ~= nil and ngx_now() - ping < conf.hchecker_window
end

-- Record the dead index in the cached route and make the route stale, so
-- the next request reads Redis again (and sees other changes with it).
local function mark_locally(host, idx)
    local route = cached_route(host)
    if not route then
        return
    end
    local now = ngx_now()
    local dead_list = {}
    if route.dead_until > now then
        for i = 1, #route.dead_list do
            if route.dead_list[i] ~= idx then
                dead_list[#dead_list + 1] = route.dead_list[i]
            end
        end
    end
    dead_list[#dead_list + 1] = idx
    store(host, encode(0, now + conf.dead_ttl, dead_list, route.name, route.ident, route.urls))
end

local function mark_dead(premature, host, idx, url, n, ip, port, probe)
    if premature then
        return
    end
    if probe then
        -- A failed attempt may come from a pooled keepalive connection the
        -- backend had just closed: a fresh connection decides.
        local sock = ngx.socket.tcp()
        sock:settimeout(conf.probe_timeout_ms)
        local ok = sock:connect(ip, port)
        sock:close()
        if ok then
            ngx_log(NOTICE, "slipway.hipache: ", host, ": backend ", url, " failed once but accepts connections")
            return
        end
    end

    local red, err = redis_connect()
    if red then
        local ping
        ping, err = red:get(conf.hchecker_key)
        if ping == nil then
            red:close()
            red = nil
        else
            ping = tonumber(ping)
            if ping then
                routes:set("hchecker_ping", ping)
            else
                routes:delete("hchecker_ping")
            end
        end
    end
    if hchecker_active() then
        if red then
            redis_release(red)
        end
        return
    end

    ngx_log(WARN, "slipway.hipache: ", host, ": marking backend ", idx, " (", url, ") dead")
    if red then
        local dead_key = conf.dead_prefix .. host
        red:init_pipeline()
        red:sadd(dead_key, idx)
        red:expire(dead_key, conf.dead_ttl)
        red:publish("dead", host .. ";" .. url .. ";" .. idx .. ";" .. n)
        local res
        res, err = red:commit_pipeline()
        if res then
            redis_release(red)
        else
            red:close()
        end
    end
    if err then
        ngx_log(ERR, "slipway.hipache: cannot record dead backend in redis: ", err)
    end
    mark_locally(host, idx)
end

-- i is the 1-based position of the backend in the route.
local function report_failure(host, route, i, probe)
    if route.n < 2 then
        return -- hipache never marks the only backend dead
    end
    local idx = i - 1
    if not routes:add("m:" .. host .. "#" .. idx, true, 2) then
        return -- already being handled
    end
    if hchecker_active() then
        return
    end
    local b = route.backends[i]
    local ok, err = ngx.timer.at(0, mark_dead, host, idx, route.urls[i], route.n, b.ip, b.port, probe)
    if not ok then
        ngx_log(ERR, "slipway.hipache: cannot schedule dead-marking: ", err)
    end
end

---------------------------------------------------------------------------
-- Phase handlers

local function candidates(route)
    if route.dead_until > ngx_now() then
        return route.alive
    end
    return route.usable
end

function _M.route()
    local raw_host = ngx_var.http_host
    if not raw_host or raw_host == "" then
        return respond(400, "No Host header")
    end
    local host = normalise_host(raw_host)
    if host == "" then
        return respond(400, "No Host header")
    end
    if host == "__ping__" then
        return respond(200, "")
    end
    local route, err = get_route(host)
    if not route then
        ngx_log(ERR, "slipway.hipache: ", host, ": no route: ", err)
        return respond(503, "Route store unavailable")
    end
    if route.name == "" then
        return respond(conf.unknown_frontend_status, "frontend not found")
    end
    local list = candidates(route)
    local count = #list
    if count == 0 then
        return respond(502, "Cannot find a valid backend")
    end
    local ctx = ngx.ctx
    ctx.hipache_host = host
    ctx.hipache_route = route
    ctx.hipache_index = list[count == 1 and 1 or random(count)]
end

function _M.balance()
    local ctx = ngx.ctx
    local route = ctx.hipache_route
    if not route then
        return ngx.exit(500)
    end
    local i = ctx.hipache_index
    local attempt = ctx.hipache_attempt
    if not attempt then
        attempt = 1
        local more = #candidates(route) - 1
        if more > conf.retries then
            more = conf.retries
        end
        if more > 0 then
            local ok, err = balancer.set_more_tries(more)
            if not ok then
                ngx_log(ERR, "slipway.hipache: set_more_tries: ", err)
            end
        end
    else
        -- the previous attempt failed (connection refused, reset, timeout)
        attempt = attempt + 1
        local tried = ctx.hipache_tried
        if not tried then
            tried = {}
            ctx.hipache_tried = tried
        end
        tried[i] = true
        report_failure(ctx.hipache_host, route, i, true)
        local rest = {}
        local list = candidates(route)
        for k = 1, #list do
            if not tried[list[k]] then
                rest[#rest + 1] = list[k]
            end
        end
        if #rest > 0 then
            i = rest[random(#rest)]
        end
        ctx.hipache_index = i
    end
    ctx.hipache_attempt = attempt
    local b = route.backends[i]
    local ok, err = balancer.set_current_peer(b.ip, b.port)
    if not ok then
        ngx_log(ERR, "slipway.hipache: set_current_peer ", b.ip, ":", b.port, ": ", err)
        return ngx.exit(502)
    end
end

local function last_of(list)
    if not list then
        return nil
    end
    return match(list, "([^,: ]+)%s*$")
end

function _M.log()
    local status = ngx.status
    if status < 501 then
        return
    end
    local ctx = ngx.ctx
    local route = ctx.hipache_route
    if not route or not ctx.hipache_attempt or route.n < 2 then
        return
    end
    local header_time = last_of(ngx_var.upstream_header_time)
    if header_time == nil or header_time == "-" then
        -- the last attempt got no answer: same treatment as a retry
        report_failure(ctx.hipache_host, route, ctx.hipache_index, true)
        return
    end
    if not conf.mark_dead_on_5xx then
        return
    end
    if status == 503 and ngx_var.upstream_http_retry_after then
        return
    end
    report_failure(ctx.hipache_host, route, ctx.hipache_index, false)
end

return _M
