// The agent's workspace: the queue, my chats, one chat with its transcript and the reply box,
// what the bot collected and the resident's work orders; live over the console's event stream.
(function () {
  'use strict';
  var B = window.Banshi;
  var $ = function (id) { return document.getElementById(id); };
  var body = document.body;
  var heartbeatMs = Number(body.dataset.heartbeat) || 15000;
  var myName = body.dataset.user;
  var supervisor = body.dataset.role === 'supervisor' || body.dataset.role === 'admin';

  var state = { snapshot: null, cases: {}, selected: null, detail: null, revealed: {}, offer: null, revealTarget: null, note: '' };
  var loadingDetail = null;

  // ── lists ───────────────────────────────────────────────────────────────────

  function sortQueue(list) { return list.sort(function (a, b) { return a.order - b.order; }); }

  function byStatus() {
    var all = Object.keys(state.cases).map(function (id) { return state.cases[id]; });
    return {
      queue: sortQueue(all.filter(function (c) { return c.status === 'queued'; })),
      mine: all.filter(function (c) { return c.status === 'agent' && c.agent === myName; }).sort(function (a, b) { return (a.assignedAt || 0) - (b.assignedAt || 0); }),
      others: all.filter(function (c) { return c.status === 'agent' && c.agent !== myName; }),
    };
  }

  function caseItem(c, kind) {
    var li = B.el('li', 'case' + (c.id === state.selected ? ' selected' : '') + (c.priority !== 'normal' ? ' ' + c.priority : ''));
    li.dataset.id = c.id;
    var top = B.el('div', 'case-top');
    top.appendChild(B.el('span', 'who', B.residentLabel(c)));
    if (B.PRIORITIES[c.priority]) top.appendChild(B.el('span', 'tag ' + c.priority, B.PRIORITIES[c.priority]));
    if (c.unanswered) top.appendChild(B.el('span', 'tag unanswered', '待回复'));
    li.appendChild(top);
    var what = [c.title, B.TRIGGERS[c.trigger], c.teamName].filter(Boolean).join(' · ');
    li.appendChild(B.el('div', 'case-what muted', what));
    var since = B.el('div', 'case-since muted');
    since.dataset.since = String(kind === 'queue' ? c.queuedAt : c.lastResidentAt);
    since.dataset.prefix = kind === 'queue' ? '已等待 ' : '最近消息 ';
    li.appendChild(since);
    if (kind === 'queue') {
      var take = B.el('button', 'small primary take', '接入');
      take.type = 'button';
      take.addEventListener('click', function (e) { e.stopPropagation(); takeCase(c.id); });
      li.appendChild(take);
    }
    if (kind === 'others') li.appendChild(B.el('div', 'muted small', '坐席：' + c.agent));
    li.tabIndex = 0;
    li.addEventListener('click', function () { select(c.id); });
    li.addEventListener('keydown', function (e) { if (e.key === 'Enter') select(c.id); });
    return li;
  }

  function renderLists() {
    var lists = byStatus();
    [['queue', lists.queue], ['mine', lists.mine], ['others', lists.others]].forEach(function (pair) {
      var ul = $(pair[0]);
      B.clear(ul);
      pair[1].forEach(function (c) { ul.appendChild(caseItem(c, pair[0])); });
      if (pair[1].length === 0) ul.appendChild(B.el('li', 'muted empty-item', pair[0] === 'queue' ? '没有排队的居民' : '暂无'));
    });
    $('queue-count').textContent = String(lists.queue.length);
    var me = state.snapshot && state.snapshot.me;
    $('load').textContent = lists.mine.length + (me ? '/' + me.capacity : '');
    $('others-section').hidden = !supervisor;
    $('take-next').disabled = lists.queue.length === 0;
    tick();
  }

  function tick() {
    var now = B.now();
    document.querySelectorAll('[data-since]').forEach(function (node) {
      node.textContent = node.dataset.prefix + B.duration(now - Number(node.dataset.since));
    });
  }
  setInterval(tick, 1000);

  // ── one chat ────────────────────────────────────────────────────────────────

  function select(id) {
    state.selected = id;
    state.revealed = {};
    state.note = '';
    renderLists();
    loadDetail();
  }

  function loadDetail() {
    var id = state.selected;
    if (!id) return;
    if (loadingDetail) { loadingDetail.again = true; return; }
    loadingDetail = { again: false };
    B.api('GET', '/console/api/cases/' + id)
      .then(function (detail) {
        if (state.selected !== id) return;
        state.detail = detail;
        state.cases[id] = detail.case;
        renderDetail();
        renderLists();
      })
      .catch(function (err) {
        if (state.selected !== id) return;
        state.detail = null;
        $('chat').hidden = true;
        $('empty').hidden = false;
        $('empty').textContent = err.message;
      })
      .then(function () {
        var again = loadingDetail && loadingDetail.again;
        loadingDetail = null;
        if (again) loadDetail();
      });
  }

  function entryNode(e) {
    var li = B.el('li', 'entry ' + (e.internal ? 'note' : e.from));
    li.dataset.id = e.id;
    var who = e.internal ? '内部备注 · ' + (e.agent || '') : e.from === 'resident' ? '居民' : e.from === 'bot' ? '智能助手' : e.from === 'agent' ? '坐席 ' + (e.agent || '') : '系统';
    var head = B.el('div', 'entry-head');
    head.appendChild(B.el('span', 'entry-who', who));
    head.appendChild(B.el('time', 'entry-time', B.clock(e.at)));
    li.appendChild(head);
    var text = B.el('div', 'entry-text', state.revealed['entry:' + e.id] || e.text);
    li.appendChild(text);
    if (e.maskable && !state.revealed['entry:' + e.id]) li.appendChild(revealButton({ entry: e.id }));
    return li;
  }

  function revealButton(target) {
    var b = B.el('button', 'link small reveal', '显示');
    b.type = 'button';
    b.setAttribute('aria-label', '显示完整信息（需填写原因）');
    b.addEventListener('click', function () { askReveal(target); });
    return b;
  }

  function renderDetail() {
    var d = state.detail;
    if (!d) return;
    var c = d.case;
    $('empty').hidden = true;
    $('chat').hidden = false;
    $('chat-title').textContent = B.residentLabel(c) + (c.title ? ' · ' + c.title : '');
    var meta = [B.STATUSES[c.status] + (c.outcome ? '（' + B.OUTCOMES[c.outcome] + '）' : ''), c.teamName, B.TRIGGERS[c.trigger], c.agent ? '坐席 ' + c.agent : '', B.PRIORITIES[c.priority]].filter(Boolean).join(' · ');
    $('chat-meta').textContent = meta;
    var active = c.status === 'queued' || c.status === 'agent';
    $('take').hidden = c.status !== 'queued';
    ['transfer', 'release', 'handback', 'close'].forEach(function (id) { $(id).hidden = !d.mine; });
    if (supervisor && c.status === 'agent' && !d.mine) $('transfer').hidden = false;
    $('reach').textContent = d.reach.label + (d.reach.detail ? '。' + d.reach.detail : '');
    $('reach').className = 'reach ' + d.reach.mode;
    var list = $('transcript');
    B.clear(list);
    d.transcript.forEach(function (e) { list.appendChild(entryNode(e)); });
    list.scrollTop = list.scrollHeight;
    var composer = $('composer');
    composer.hidden = !active;
    $('reply').disabled = !d.mine;
    $('send').disabled = !d.mine;
    $('composer-status').textContent = d.mine ? state.note : c.status === 'queued' ? '接入后才能回复' : active ? '这个会话不在您名下' : '会话已结束';
    var quick = $('quick');
    B.clear(quick);
    quick.appendChild(new Option('选择…', ''));
    d.quickReplies.forEach(function (q, i) { quick.appendChild(new Option(q.title, String(i))); });
    quick.disabled = !d.mine;
    var dl = $('collected');
    B.clear(dl);
    if (d.collected.length === 0) dl.appendChild(B.el('dd', 'muted', '机器人还没有收集到信息'));
    d.collected.forEach(function (s) {
      dl.appendChild(B.el('dt', '', s.label));
      var dd = B.el('dd', '', state.revealed['slot:' + s.key] || s.value);
      if (s.maskable && !state.revealed['slot:' + s.key]) dd.appendChild(revealButton({ slot: s.key }));
      dl.appendChild(dd);
    });
    var orders = $('orders');
    B.clear(orders);
    if (!d.workOrders.connected) orders.appendChild(B.el('p', 'muted', '工单系统未接入'));
    else if (d.workOrders.error) orders.appendChild(B.el('p', 'error', d.workOrders.error));
    else if (d.workOrders.list.length === 0) orders.appendChild(B.el('p', 'muted', '这位居民没有工单'));
    var ul = B.el('ul', 'order-list');
    d.workOrders.list.forEach(function (o) {
      var li = B.el('li', 'order' + (o.overdue ? ' overdue' : '') + (o.rectification ? ' rectification' : ''));
      li.appendChild(B.el('div', 'order-ref', o.reference + ' · ' + o.status));
      li.appendChild(B.el('div', 'muted', o.title));
      if (o.dueAt) li.appendChild(B.el('div', 'small ' + (o.overdue ? 'error' : 'muted'), (o.overdue ? '已超期 · ' : '期限 ') + new Date(o.dueAt).toLocaleString('zh-CN')));
      ul.appendChild(li);
    });
    orders.appendChild(ul);
  }

  function appendEntry(caseId, entry) {
    if (state.selected !== caseId || !state.detail) return;
    if (state.detail.transcript.some(function (e) { return e.id === entry.id; })) return;
    state.detail.transcript.push(entry);
    var list = $('transcript');
    var pinned = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.appendChild(entryNode(entry));
    if (pinned) list.scrollTop = list.scrollHeight;
  }

  // ── actions ─────────────────────────────────────────────────────────────────

  function status(text) {
    state.note = text;
    $('composer-status').textContent = text;
  }
  function fail(err) { status(err.message); }

  function takeCase(id) {
    return B.api('POST', id === 'next' ? '/console/api/take-next' : '/console/api/cases/' + id + '/take', {})
      .then(function (res) { state.cases[res.case.id] = res.case; hideOffer(); select(res.case.id); })
      .catch(function (err) { alertOn($('queue'), err.message); });
  }

  function alertOn(anchor, text) {
    var note = B.el('li', 'error', text);
    note.setAttribute('role', 'alert');
    anchor.insertBefore(note, anchor.firstChild);
    setTimeout(function () { if (note.parentNode) note.parentNode.removeChild(note); }, 6000);
  }

  $('take-next').addEventListener('click', function () { takeCase('next'); });
  $('take').addEventListener('click', function () { if (state.selected) takeCase(state.selected); });

  $('quick').addEventListener('change', function () {
    var d = state.detail;
    var i = this.value;
    if (!d || i === '') return;
    var reply = $('reply');
    reply.value = (reply.value ? reply.value + '\n' : '') + d.quickReplies[Number(i)].text;
    this.value = '';
    reply.focus();
  });

  $('composer').addEventListener('submit', function (e) {
    e.preventDefault();
    var reply = $('reply');
    var text = reply.value.trim();
    if (!text || !state.selected) return;
    var note = $('as-note').checked;
    var id = state.selected;
    $('send').disabled = true;
    B.api('POST', '/console/api/cases/' + id + (note ? '/note' : '/reply'), { text: text, key: B.key() })
      .then(function (res) {
        reply.value = '';
        $('as-note').checked = false;
        status(note ? '备注已保存（居民看不到）' : res.delivered === false ? '已记录，但没有送达：渠道未连接' : '已发送');
      })
      .catch(fail)
      .then(function () { $('send').disabled = !(state.detail && state.detail.mine); });
  });
  $('reply').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('composer').requestSubmit();
  });

  function simple(action, confirmText) {
    return function () {
      if (!state.selected || (confirmText && !confirm(confirmText))) return;
      B.api('POST', '/console/api/cases/' + state.selected + '/' + action, { key: B.key() }).then(loadDetail).catch(fail);
    };
  }
  $('release').addEventListener('click', simple('release', '把这位居民放回队列，由其他同事接待？'));
  $('handback').addEventListener('click', simple('hand-back', '交回机器人？居民会接着办刚才的事，并为人工服务打分。'));

  // Transfer.
  $('transfer').addEventListener('click', function () {
    var snap = state.snapshot;
    if (!snap || !state.detail) return;
    var team = $('transfer-team');
    var agent = $('transfer-agent');
    B.clear(team);
    B.clear(agent);
    team.appendChild(new Option('（不转班组）', ''));
    snap.teams.forEach(function (t) { if (t.id !== state.detail.case.team) team.appendChild(new Option(t.name + (t.open ? '' : '（已下班）'), t.id)); });
    agent.appendChild(new Option('（不指定）', ''));
    // A supervisor may take a colleague's chat over.
    if (supervisor && !state.detail.mine) agent.appendChild(new Option('我自己（接管）', myName));
    snap.colleagues.forEach(function (a) {
      var label = a.displayName + '（' + ({ online: '在线', away: '离开', offline: '下线' })[a.status] + '，' + a.load + '/' + a.capacity + '）';
      var option = new Option(label, a.username);
      option.disabled = a.status === 'offline' || a.load >= a.capacity;
      agent.appendChild(option);
    });
    $('transfer-error').hidden = true;
    $('transfer-dialog').showModal();
  });
  $('transfer-cancel').addEventListener('click', function () { $('transfer-dialog').close(); });
  $('transfer-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var agent = $('transfer-agent').value;
    var team = $('transfer-team').value;
    var error = $('transfer-error');
    if (!agent && !team) { error.textContent = '请选择班组或同事。'; error.hidden = false; return; }
    B.api('POST', '/console/api/cases/' + state.selected + '/transfer', agent ? { agent: agent, key: B.key() } : { team: team, key: B.key() })
      .then(function () { $('transfer-dialog').close(); loadDetail(); })
      .catch(function (err) { error.textContent = err.message; error.hidden = false; });
  });

  // Close with a resolution (and a work order).
  $('close').addEventListener('click', function () {
    var d = state.detail;
    if (!d) return;
    var existing = $('close-existing');
    B.clear(existing);
    d.workOrders.list.filter(function (o) { return !o.closed; }).forEach(function (o) { existing.appendChild(new Option(o.reference + ' ' + o.title, o.reference)); });
    var radios = document.querySelectorAll('input[name="wo"]');
    radios.forEach(function (r) {
      r.disabled = r.value !== 'none' && (!d.workOrders.connected || (r.value === 'update' && existing.options.length === 0));
      r.checked = r.value === 'none';
    });
    $('close-orders-note').textContent = d.workOrders.connected ? '新建工单会带上对话记录（不含内部备注）和已收集的信息。' : '工单系统未接入：只能不登记工单。';
    $('close-error').hidden = true;
    $('close-dialog').showModal();
  });
  $('close-cancel').addEventListener('click', function () { $('close-dialog').close(); });
  $('close-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var mode = document.querySelector('input[name="wo"]:checked').value;
    var workOrder = mode === 'new' ? { mode: 'new', category: $('close-category').value } : mode === 'update' ? { mode: 'update', reference: $('close-existing').value, close: $('close-existing-done').checked } : { mode: 'none' };
    var error = $('close-error');
    B.api('POST', '/console/api/cases/' + state.selected + '/close', { resolution: $('close-resolution').value, workOrder: workOrder, key: B.key() })
      .then(function (res) {
        $('close-dialog').close();
        $('close-resolution').value = '';
        status(res.workOrder ? '已结束，工单 ' + res.workOrder.reference : '已结束');
        loadDetail();
      })
      .catch(function (err) { error.textContent = err.message; error.hidden = false; });
  });

  // Reveal a masked detail, with a reason (audited).
  function askReveal(target) {
    state.revealTarget = target;
    $('reveal-reason').value = '';
    $('reveal-error').hidden = true;
    $('reveal-dialog').showModal();
  }
  $('reveal-cancel').addEventListener('click', function () { $('reveal-dialog').close(); });
  $('reveal-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var target = state.revealTarget;
    var reason = $('reveal-reason').value;
    var error = $('reveal-error');
    var payload = target.entry ? { entry: target.entry, reason: reason } : { slot: target.slot, reason: reason };
    B.api('POST', '/console/api/cases/' + state.selected + '/reveal', payload)
      .then(function (res) {
        state.revealed[target.entry ? 'entry:' + target.entry : 'slot:' + target.slot] = res.text;
        $('reveal-dialog').close();
        renderDetail();
      })
      .catch(function (err) { error.textContent = err.message; error.hidden = false; });
  });

  // Presence.
  $('presence').addEventListener('change', function () {
    B.api('POST', '/console/api/presence', { status: this.value }).catch(function (err) { alertOn($('mine'), err.message); });
  });

  // Offers: a waiting resident for me, now that I have room.
  function showOffer(offer) {
    var c = offer.case || state.cases[offer.caseId];
    if (!c || c.status !== 'queued') return;
    var box = $('offer');
    B.clear(box);
    box.appendChild(B.el('span', '', (offer.transferred ? '同事转给您：' : '有居民在等待：') + B.residentLabel(c) + '（' + c.teamName + '）'));
    var take = B.el('button', 'small primary', '接入');
    take.type = 'button';
    take.addEventListener('click', function () { takeCase(c.id); });
    box.appendChild(take);
    box.hidden = false;
  }
  function hideOffer() { $('offer').hidden = true; }

  // ── live ────────────────────────────────────────────────────────────────────

  /** Whether a case belongs in one of my lists (the server also tells me about chats that left me). */
  function listed(c) {
    var me = state.snapshot && state.snapshot.me;
    if (c.status === 'queued') return supervisor || !me || me.teams.indexOf(c.team) >= 0;
    if (c.status === 'agent') return supervisor || c.agent === myName;
    return false;
  }

  function upsert(c) {
    state.cases[c.id] = c;
    if (!listed(c) && c.id !== state.selected) delete state.cases[c.id];
  }

  B.live(
    {
      snapshot: function (snap) {
        state.snapshot = snap;
        state.cases = {};
        snap.queue.concat(snap.mine, snap.others).forEach(upsert);
        $('presence').value = snap.me.status;
        renderLists();
        if (state.selected) loadDetail();
      },
      case: function (data) {
        var c = data.case;
        var before = state.cases[c.id];
        upsert(c);
        renderLists();
        if (c.id === state.selected && (!before || before.v !== c.v)) loadDetail();
        if (c.status !== 'queued' && $('offer').textContent.indexOf(c.resident) >= 0) hideOffer();
      },
      message: function (data) { appendEntry(data.entry.caseId, data.entry); },
      offer: function (data) { showOffer({ caseId: data.case ? data.case.id : null, case: data.case, transferred: data.transferred }); },
      agents: function () {
        B.api('GET', '/console/api/snapshot').then(function (snap) { state.snapshot = snap; $('presence').value = snap.me.status; renderLists(); }).catch(function () {});
      },
    },
    heartbeatMs,
  );
})();
