// The console's shared client code: API calls with the CSRF token, the live stream with its badge
// (SSE with Last-Event-ID; JSON polling when a proxy holds the stream back), small formatters.
// Vanilla JS, no build step; every server text is inserted with textContent, never as HTML.
(function () {
  'use strict';

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') : '';
  var offset = 0;

  var B = (window.Banshi = {});

  B.el = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };

  B.clear = function (node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  };

  /** A key that makes a write happen once, however often the request is sent. */
  B.key = function () {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  };

  /** JSON API call; rejects with the server's message (in Chinese). A lapsed login goes to the login page. */
  B.api = function (method, path, body) {
    var init = { method: method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (method !== 'GET') init.headers['X-CSRF-Token'] = csrf;
    return fetch(path, init).then(function (res) {
      if (res.status === 401) {
        location.href = '/console/login?expired=1';
        throw new Error('登录已过期');
      }
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) throw new Error((json.error && json.error.message) || '操作没有成功（' + res.status + '）');
        return json;
      });
    });
  };

  /** The server's clock (the desk's), as far as this page knows it. */
  B.now = function () { return Date.now() + offset; };
  B.syncClock = function (serverNow) { offset = serverNow - Date.now(); };

  B.duration = function (ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + '秒';
    var m = Math.floor(s / 60);
    if (m < 60) return m + '分' + (s % 60 ? (s % 60) + '秒' : '');
    var h = Math.floor(m / 60);
    return h + '小时' + (m % 60 ? (m % 60) + '分' : '');
  };

  B.clock = function (ms) {
    var d = new Date(ms);
    var pad = function (n) { return n < 10 ? '0' + n : String(n); };
    return pad(d.getHours()) + ':' + pad(d.getMinutes());
  };

  B.CHANNELS = { 'wechat-mp': '公众号', wechaty: '企业微信', web: '网页', cli: '终端', test: '测试' };
  B.PRIORITIES = { urgent: '紧急', high: '优先', normal: '' };
  B.TRIGGERS = { asked: '居民要求', frustrated: '居民不满', menu: '菜单转人工', stuck: '反复填写失败', flow: '业务转人工', urgent: '紧急情况', 'bad-rating': '差评回访' };
  B.STATUSES = { queued: '排队中', agent: '接待中', bot: '已交回', closed: '已结束' };
  B.OUTCOMES = { 'handed-back': '交回机器人', resolved: '已结束', cancelled: '居民取消', 'resident-left': '居民离开', 'resident-timeout': '居民超时未回复', 'after-hours': '下班未接通' };

  B.residentLabel = function (c) {
    return (B.CHANNELS[c.channel] || c.channel) + '居民 ' + c.resident;
  };

  /**
   * The live stream: `on[type](data, id)` for snapshot, case, message, offer, agents. The badge
   * says 已连接 while events or heartbeats arrive and 重新连接中 while they do not. When the stream
   * opens but nothing comes (a proxy buffering it), the page polls the same replay as JSON.
   */
  B.live = function (on, heartbeatMs) {
    var badge = document.getElementById('live-badge');
    var lastId = null;
    var source = null;
    var lastSeen = Date.now();
    var mode = 'sse';
    var stopped = false;
    var pollTimer = null;
    var retrySseAt = 0;
    var pollFailed = false;

    function show(state) {
      if (!badge) return;
      badge.className = 'badge ' + state;
      badge.textContent = state === 'reconnecting' ? '重新连接中' : state === 'closed' ? '已在新窗口打开' : '已连接';
      badge.title = state === 'polling' ? '实时连接被网络设备缓存，已改为每几秒刷新一次' : '';
      badge.dataset.mode = mode;
    }

    function dispatch(type, data, id) {
      lastSeen = Date.now();
      if (id) lastId = id;
      if (type === 'snapshot' && data && data.now) B.syncClock(data.now);
      if (type === 'heartbeat') return;
      var handler = on[type];
      if (handler) {
        try { handler(data, id); } catch (err) { console.error(err); }
      }
    }

    function connect() {
      if (source) source.close();
      mode = 'sse';
      lastSeen = Date.now();
      // The browser resends Last-Event-ID on its own reconnects; after a manual one the query says it.
      var current = new EventSource('/console/api/events' + (lastId ? '?after=' + encodeURIComponent(lastId) : ''));
      source = current;
      ['snapshot', 'case', 'message', 'offer', 'agents', 'heartbeat'].forEach(function (type) {
        current.addEventListener(type, function (e) {
          dispatch(type, JSON.parse(e.data), e.lastEventId);
          show('live');
        });
      });
      current.addEventListener('closed', function (e) {
        stopped = true;
        current.close();
        var reason = '';
        try { reason = JSON.parse(e.data).reason; } catch { reason = ''; }
        if (reason === 'logged-out') location.href = '/console/login?expired=1';
        else show('closed');
      });
      current.onerror = function () {
        if (stopped || source !== current) return;
        show('reconnecting');
        // Refused (busy, a proxy's error page): the browser gives up on it; try again ourselves.
        if (current.readyState === EventSource.CLOSED) {
          setTimeout(function () { if (!stopped && mode === 'sse' && source === current) connect(); }, 3000 + Math.random() * 2000);
        }
      };
    }

    function poll() {
      pollTimer = null;
      if (stopped) return;
      fetch('/console/api/events?poll=1' + (lastId ? '&after=' + encodeURIComponent(lastId) : ''), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) {
          if (res.status === 401) location.href = '/console/login?expired=1';
          if (!res.ok) throw new Error(String(res.status));
          return res.json();
        })
        .then(function (json) {
          (json.events || []).forEach(function (e) { dispatch(e.type, e.data, e.id); });
          if (json.snapshot) dispatch('snapshot', json.snapshot, json.last);
          else dispatch('heartbeat', null, json.last);
          show('polling');
          // Back after an outage, or time to check again: the stream may work now.
          if (pollFailed || Date.now() > retrySseAt) {
            pollFailed = false;
            connect();
          }
        })
        .catch(function () {
          pollFailed = true;
          show('reconnecting');
        })
        .then(function () {
          if (!stopped && mode === 'poll') pollTimer = setTimeout(poll, Math.min(3000, heartbeatMs));
        });
    }

    setInterval(function () {
      if (stopped || mode !== 'sse') return;
      // Open but silent, or never opening (a proxy holding the whole response): poll instead.
      var limit = heartbeatMs * 2.5 + (source && source.readyState !== EventSource.OPEN ? 3500 : 0);
      if (Date.now() - lastSeen > limit) {
        if (source) source.close();
        source = null;
        mode = 'poll';
        retrySseAt = Date.now() + 5 * 60 * 1000;
        show('reconnecting');
        if (!pollTimer) poll();
      }
    }, Math.max(250, Math.floor(heartbeatMs / 2)));

    show('reconnecting');
    connect();
    return {
      lastId: function () { return lastId; },
      mode: function () { return mode; },
    };
  };
})();
