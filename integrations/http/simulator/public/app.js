// The web chat simulator: a WeChat official-account chat in the browser. Vanilla JS, no build step.
// Every text from the server is inserted with textContent, never as HTML.
(function () {
  'use strict';

  // Ids kept by earlier versions of this page; the server's cookie says who the page is now.
  var OLD_USER_KEY = 'banshi-sim-user';
  var FOLLOWED_KEY = 'banshi-sim-followed';
  var STREAM_RETRY_MS = 30 * 1000;
  var GROUP_GAP_MS = 5 * 60 * 1000;
  var DEMO_SPOTS = [
    { label: '市政务服务中心', note: '演示地点 · 市中心', latitude: 43.8256, longitude: 87.6168 },
    { label: '经开区（头屯河区）政务服务中心', note: '演示地点 · 开发区', latitude: 43.8742, longitude: 87.4281 },
    { label: '火车站广场', note: '演示地点 · 交通枢纽', latitude: 43.8005, longitude: 87.5571 },
  ];
  var DEMO_VOICE = '我想问一下办身份证要带什么材料';

  var list = document.getElementById('messages');
  var form = document.getElementById('composer');
  var input = document.getElementById('input');
  var moreButton = document.getElementById('more');
  var panel = document.getElementById('panel');
  var menuBar = document.getElementById('menu');
  var title = document.getElementById('title');
  var newUserButton = document.getElementById('new-user');
  var locationDialog = document.getElementById('location-dialog');
  var locationOptions = document.getElementById('location-options');

  var userId = null;
  var lastTime = 0;
  var queue = Promise.resolve();
  var pending = 0;
  var typingRow = null;
  var events = null;
  var eventsRetry = null;

  // ---- user identity -------------------------------------------------------------------------

  /**
   * Who this page is: the server keeps it in an HttpOnly cookie (the page cannot read or pick it);
   * GET tells the current user, POST starts a new one.
   */
  function session(method) {
    return fetch('/api/sim/session', { method: method }).then(function (res) {
      if (!res.ok) throw new Error('session ' + res.status);
      return res.json();
    }).then(function (data) {
      userId = data.userId;
      return userId;
    });
  }

  // ---- rendering -------------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(url, location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch {
      return null;
    }
  }

  /** Appends text to `node`, turning http(s) links into anchors. */
  function appendText(node, text) {
    var pattern = /https?:\/\/[^\s，。、“”"'<>]+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      if (match.index > last) node.appendChild(document.createTextNode(text.slice(last, match.index)));
      var href = safeUrl(match[0]);
      if (href) {
        var a = el('a', '', match[0]);
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        node.appendChild(a);
      } else {
        node.appendChild(document.createTextNode(match[0]));
      }
      last = match.index + match[0].length;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
  }

  function pad(n) { return n < 10 ? '0' + n : String(n); }

  function formatTime(ms) {
    var d = new Date(ms);
    var now = new Date();
    var hm = pad(d.getHours()) + ':' + pad(d.getMinutes());
    if (d.toDateString() === now.toDateString()) return hm;
    return (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + hm;
  }

  // Stays true while the resident is reading the latest messages, so late-loading images keep them in view.
  var pinned = true;

  function scrollToEnd() {
    list.scrollTop = list.scrollHeight;
    pinned = true;
  }

  function keepPinned() {
    if (pinned) scrollToEnd();
  }

  /** Inserts before the typing indicator so "正在输入…" stays last. */
  function insert(node) {
    if (typingRow && typingRow.parentNode === list) list.insertBefore(node, typingRow);
    else list.appendChild(node);
    scrollToEnd();
  }

  function stampTime() {
    var now = Date.now();
    if (now - lastTime > GROUP_GAP_MS) insert(el('div', 'time', formatTime(now)));
    lastTime = now;
  }

  function row(who, content) {
    stampTime();
    var r = el('div', 'row ' + who);
    var avatar = el('img', 'avatar');
    avatar.src = who === 'bot' ? 'bot-avatar.svg' : 'user-avatar.svg';
    avatar.alt = who === 'bot' ? '公众号' : '我';
    r.appendChild(avatar);
    r.appendChild(content);
    insert(r);
    return r;
  }

  function systemNote(text, isError) {
    var note = el('div', isError ? 'system error' : 'system', text);
    if (isError) note.setAttribute('role', 'alert');
    insert(note);
  }

  function renderChoices(reply) {
    var bubble = el('div', 'bubble');
    appendText(bubble, reply.text);
    var options = el('ol', 'choices');
    options.setAttribute('aria-label', '可选项');
    reply.options.forEach(function (option, i) {
      var item = el('li');
      var number = String(i + 1);
      var button = el('button', 'choice', number + '. ' + option.label);
      button.type = 'button';
      button.setAttribute('data-choice', number);
      button.addEventListener('click', function () {
        // Like a resident typing the number: the same answer every text channel sends.
        send({ kind: 'text', text: number }, { kind: 'text', text: number });
      });
      item.appendChild(button);
      options.appendChild(item);
    });
    bubble.appendChild(options);
    bubble.appendChild(el('div', 'hint', reply.hint || '点选上面的选项，或直接回复数字'));
    return bubble;
  }

  function renderImage(url, alt) {
    var href = safeUrl(url);
    var box = el('div', 'media');
    if (!href) {
      box.className = 'bubble';
      box.textContent = '[图片]' + (alt ? ' ' + alt : '');
      return box;
    }
    var link = el('a');
    link.href = href;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    var img = el('img');
    img.addEventListener('load', keepPinned);
    img.src = href;
    img.alt = alt || '图片';
    link.appendChild(img);
    box.appendChild(link);
    return box;
  }

  function renderArticle(reply) {
    var href = safeUrl(reply.url);
    var card = el(href ? 'a' : 'div', 'article');
    if (href) {
      card.href = href;
      card.target = '_blank';
      card.rel = 'noopener noreferrer';
    }
    card.appendChild(el('div', 'article-title', reply.title));
    var body = el('div', 'article-body');
    if (reply.description) body.appendChild(el('div', 'article-desc', reply.description));
    var pic = reply.picUrl ? safeUrl(reply.picUrl) : null;
    if (pic) {
      var img = el('img', 'article-thumb');
      img.addEventListener('load', keepPinned);
      img.src = pic;
      img.alt = '';
      body.appendChild(img);
    }
    card.appendChild(body);
    card.appendChild(el('div', 'article-foot', '阅读全文'));
    return card;
  }

  function renderReply(reply) {
    switch (reply.kind) {
      case 'text': {
        var bubble = el('div', 'bubble');
        appendText(bubble, reply.text);
        return bubble;
      }
      case 'choices':
        return renderChoices(reply);
      case 'image':
        return renderImage(reply.url, reply.alt);
      case 'article':
        return renderArticle(reply);
      default:
        return el('div', 'bubble', '[暂不支持的消息]');
    }
  }

  function showReplies(replies) {
    replies.forEach(function (reply) { row('bot', renderReply(reply)); });
  }

  /** How the resident's own action looks in the chat. */
  function renderOwn(display) {
    switch (display.kind) {
      case 'text':
        var bubble = el('div', 'bubble');
        appendText(bubble, display.text);
        return bubble;
      case 'image':
        return renderImage(display.url, '我发送的图片');
      case 'voice': {
        var voice = el('div', 'bubble', '语音 3″ ◀︎');
        voice.appendChild(el('span', 'voice-note', '转文字：' + display.text));
        return voice;
      }
      case 'location': {
        var card = el('div', 'location-card');
        card.appendChild(el('div', 'loc-title', display.label));
        card.appendChild(el('div', 'loc-sub', display.latitude.toFixed(4) + ', ' + display.longitude.toFixed(4)));
        card.appendChild(el('div', 'loc-map'));
        return card;
      }
    }
    return el('div', 'bubble', '');
  }

  function setTyping(on) {
    if (on && !typingRow) {
      typingRow = el('div', 'row bot');
      typingRow.setAttribute('role', 'status');
      var avatar = el('img', 'avatar');
      avatar.src = 'bot-avatar.svg';
      avatar.alt = '公众号';
      var bubble = el('div', 'bubble typing');
      bubble.appendChild(document.createTextNode('正在输入'));
      bubble.appendChild(el('span', 'dots'));
      typingRow.appendChild(avatar);
      typingRow.appendChild(bubble);
      list.appendChild(typingRow);
      scrollToEnd();
    } else if (!on && typingRow) {
      typingRow.remove();
      typingRow = null;
    }
  }

  // ---- talking to the server -------------------------------------------------------------------

  function post(body) {
    return fetch('/api/sim/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) {
          var message = data && data.error && data.error.message ? data.error.message : '';
          throw new Error(res.status === 413 ? '消息太长了，请分几次发送' : '发送失败' + (message ? '：' + message : ''));
        }
        return data.replies || [];
      });
    });
  }

  /** Shows the resident's action at once, then queues the request so replies keep their order. */
  function send(body, display) {
    markFollowed();
    if (display) row('user', renderOwn(display));
    pending += 1;
    setTyping(true);
    queue = queue
      .then(function () { return post(body); })
      .then(showReplies, function (err) {
        systemNote(err && err.message && err.message.indexOf('发送失败') === 0 ? err.message : '网络不太顺畅，请稍后再试', true);
      })
      .then(function () {
        pending -= 1;
        if (pending === 0) setTyping(false);
      });
    return queue;
  }

  function connectEvents() {
    if (events) events.close();
    clearTimeout(eventsRetry);
    if (typeof EventSource === 'undefined') return;
    events = new EventSource('/api/sim/events');
    events.addEventListener('closed', function () {
      // The same user opened the chat in another tab; that one gets the messages now.
      events.close();
      systemNote('你已在其他页面打开对话，这里不再接收新消息；刷新可回到这里');
    });
    events.addEventListener('error', function () {
      // The browser retries a dropped stream by itself; a refused one (server busy) it gives up on.
      if (events && events.readyState === EventSource.CLOSED) {
        eventsRetry = setTimeout(connectEvents, STREAM_RETRY_MS + Math.random() * 5000);
      }
    });
    events.addEventListener('messages', function (event) {
      try {
        var data = JSON.parse(event.data);
        showReplies(Array.isArray(data.messages) ? data.messages : []);
      } catch {
        systemNote('收到一条无法显示的消息', true);
      }
    });
  }

  // ---- menu --------------------------------------------------------------------------------------

  function closeSubmenus(except) {
    menuBar.querySelectorAll('.submenu').forEach(function (sub) {
      if (sub === except) return;
      sub.hidden = true;
      var owner = sub.parentNode.querySelector('.menu-button');
      if (owner) owner.setAttribute('aria-expanded', 'false');
    });
  }

  function leafAction(leaf) {
    closeSubmenus(null);
    if (leaf.url) {
      var href = safeUrl(leaf.url);
      if (href) window.open(href, '_blank', 'noopener');
      return;
    }
    send({ kind: 'menu', key: leaf.key }, null);
  }

  function renderMenu(menu) {
    menuBar.textContent = '';
    menu.buttons.forEach(function (button, index) {
      var item = el('div', 'menu-item');
      var main = el('button', 'menu-button');
      main.type = 'button';
      if (button.subButtons) {
        main.appendChild(el('span', 'menu-lines'));
        main.appendChild(document.createTextNode(button.name));
        var sub = el('ul', 'submenu');
        sub.id = 'submenu-' + index;
        sub.hidden = true;
        sub.setAttribute('aria-label', button.name);
        main.setAttribute('aria-haspopup', 'true');
        main.setAttribute('aria-expanded', 'false');
        main.setAttribute('aria-controls', sub.id);
        button.subButtons.forEach(function (leaf) {
          var li = el('li');
          var b = el('button', '', leaf.name);
          b.type = 'button';
          b.addEventListener('click', function () { leafAction(leaf); });
          li.appendChild(b);
          sub.appendChild(li);
        });
        main.addEventListener('click', function (event) {
          event.stopPropagation();
          var opening = sub.hidden;
          closeSubmenus(sub);
          sub.hidden = !opening;
          main.setAttribute('aria-expanded', String(opening));
          if (opening) {
            var first = sub.querySelector('button');
            if (first) first.focus();
          }
        });
        item.appendChild(sub);
      } else {
        main.textContent = button.name;
        main.addEventListener('click', function () { leafAction(button); });
      }
      item.insertBefore(main, item.firstChild);
      menuBar.appendChild(item);
    });
  }

  function loadAccount() {
    return Promise.all([
      fetch('/api/sim/account').then(function (r) { return r.json(); }),
      fetch('/api/sim/menu').then(function (r) { return r.json(); }),
    ]).then(function (results) {
      var account = results[0];
      var name = account.name + (account.city ? ' · ' + account.city : '');
      title.textContent = name;
      document.title = name + ' · 聊天模拟器';
      renderMenu(results[1]);
    }, function () {
      systemNote('菜单加载失败，请刷新页面', true);
    });
  }

  // ---- welcome and new user ----------------------------------------------------------------------

  function followCard() {
    var card = el('div', 'follow-card');
    var avatar = el('img');
    avatar.src = 'bot-avatar.svg';
    avatar.alt = '';
    card.appendChild(avatar);
    card.appendChild(el('h2', '', title.textContent));
    card.appendChild(el('p', '', '关注后可以查办事材料、找附近大厅、提意见建议'));
    var follow = el('button', '', '关注');
    follow.type = 'button';
    follow.addEventListener('click', subscribe);
    card.appendChild(follow);
    insert(card);
  }

  /** Remembers that this user has talked to the account, so a reload greets them instead of asking to follow. */
  function markFollowed() {
    var card = list.querySelector('.follow-card');
    if (card) card.remove();
    try { localStorage.setItem(FOLLOWED_KEY, userId); } catch { /* best effort */ }
  }

  function subscribe() {
    systemNote('你已关注“' + title.textContent + '”');
    send({ kind: 'subscribe' }, null);
  }

  function startNewUser() {
    // Queued behind any message still on its way, so it is answered as the old user.
    queue = queue.then(function () { return session('POST'); }).then(function () {
      list.textContent = '';
      typingRow = null;
      lastTime = 0;
      connectEvents();
      systemNote('已切换为新用户');
      followCard();
      input.focus();
    }, function () {
      systemNote('切换新用户失败，请稍后再试', true);
    });
  }

  // ---- actions -----------------------------------------------------------------------------------

  function sendTyped() {
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    autosize();
    send({ kind: 'text', text: text }, { kind: 'text', text: text });
  }

  function autosize() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 120) + 'px';
  }

  function togglePanel(open) {
    panel.hidden = !open;
    moreButton.setAttribute('aria-expanded', String(open));
  }

  function pickLocation() {
    locationOptions.textContent = '';
    DEMO_SPOTS.forEach(function (spot) {
      var b = el('button', '', spot.label);
      b.type = 'button';
      b.appendChild(el('small', '', spot.note));
      b.addEventListener('click', function () {
        locationDialog.close();
        var body = { kind: 'location', latitude: spot.latitude, longitude: spot.longitude, label: spot.label };
        send(body, body);
      });
      locationOptions.appendChild(b);
    });
    locationDialog.showModal();
  }

  function onPanelAction(action) {
    togglePanel(false);
    if (action === 'location') return pickLocation();
    if (action === 'image') {
      // The server makes the link absolute from the host it checked.
      return send({ kind: 'image', url: 'demo-photo.svg' }, { kind: 'image', url: new URL('demo-photo.svg', location.href).href });
    }
    if (action === 'voice') {
      var spoken = input.value.trim() || DEMO_VOICE;
      input.value = '';
      autosize();
      return send({ kind: 'voice', text: spoken }, { kind: 'voice', text: spoken });
    }
    if (action === 'subscribe') return subscribe();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    sendTyped();
    input.focus();
  });
  input.addEventListener('keydown', function (event) {
    // Enter sends; Shift+Enter makes a new line; never while an IME is composing.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendTyped();
    }
  });
  input.addEventListener('input', autosize);
  list.addEventListener('scroll', function () {
    pinned = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  });
  moreButton.addEventListener('click', function () { togglePanel(panel.hidden); });
  panel.addEventListener('click', function (event) {
    var tile = event.target.closest('[data-action]');
    if (tile) onPanelAction(tile.getAttribute('data-action'));
  });
  newUserButton.addEventListener('click', startNewUser);
  document.addEventListener('click', function (event) {
    if (!event.target.closest('.menu-item')) closeSubmenus(null);
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') {
      closeSubmenus(null);
      togglePanel(false);
    }
  });

  try { localStorage.removeItem(OLD_USER_KEY); } catch { /* nothing kept */ }
  // Messages typed before the identity is known wait for it in the queue.
  queue = session('GET').then(connectEvents, function () {
    systemNote('连接服务器失败，请刷新页面', true);
  });
  Promise.all([loadAccount(), queue]).then(function () {
    var isNew = false;
    try { isNew = localStorage.getItem(FOLLOWED_KEY) !== userId; } catch { isNew = false; }
    if (isNew) followCard();
    else systemNote('欢迎回来，直接发消息或点下方菜单即可');
  });

})();
