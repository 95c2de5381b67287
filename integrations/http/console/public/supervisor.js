// The supervisor's view: queues per team, agents and their load, every active chat with its SLA
// clocks in working time, today's figures and the work orders to chase; refreshed on live events.
(function () {
  'use strict';
  var B = window.Banshi;
  var $ = function (id) { return document.getElementById(id); };
  var heartbeatMs = Number(document.body.dataset.heartbeat) || 15000;
  var pending = null;
  var STATES = { ok: '正常', warn: '即将超时', breached: '已超时' };

  function cell(tr, text, className) {
    var td = B.el('td', className || '', text);
    tr.appendChild(td);
    return td;
  }

  function rows(id, items, fill) {
    var tbody = $(id).querySelector('tbody');
    B.clear(tbody);
    if (items.length === 0) {
      var tr = B.el('tr');
      var td = cell(tr, '暂无', 'muted');
      td.colSpan = $(id).querySelectorAll('th').length;
      tbody.appendChild(tr);
    }
    items.forEach(function (item) {
      var tr = B.el('tr');
      fill(tr, item);
      tbody.appendChild(tr);
    });
  }

  function clockCell(tr, clock) {
    var td = cell(tr, B.duration(clock.ms) + ' / ' + B.duration(clock.targetMs) + (clock.done ? '' : '…'), 'sla ' + clock.state);
    td.title = STATES[clock.state] + (clock.done ? '（已停止）' : '（计时中，只算服务时间）');
    td.appendChild(B.el('span', 'sla-state', ' ' + STATES[clock.state]));
  }

  function render(v) {
    B.syncClock(v.now);
    rows('teams', v.teams, function (tr, t) {
      cell(tr, t.name);
      cell(tr, t.hours, 'small');
      cell(tr, t.open ? '服务中' : '已下班', t.open ? 'ok' : 'muted');
      cell(tr, String(t.waiting), t.waiting ? 'strong' : '');
      cell(tr, t.oldestWaitMs !== undefined ? B.duration(t.oldestWaitMs) : '—');
      cell(tr, String(t.online));
      cell(tr, String(t.free));
    });
    rows('agents', v.agents, function (tr, a) {
      cell(tr, a.displayName + '（' + a.username + '）');
      cell(tr, { agent: '坐席', supervisor: '班长', admin: '管理员' }[a.role] || a.role);
      cell(tr, a.teams.map(function (id) { var t = v.teams.find(function (x) { return x.id === id; }); return t ? t.name : id; }).join('、'), 'small');
      cell(tr, { online: '在线', away: '离开', offline: '下线' }[a.status], a.status);
      cell(tr, a.load + '/' + a.capacity, a.load >= a.capacity ? 'strong' : '');
    });
    rows('cases', v.cases, function (tr, x) {
      var c = x.case;
      cell(tr, B.residentLabel(c) + (c.title ? ' · ' + c.title : ''));
      cell(tr, c.teamName);
      cell(tr, B.STATUSES[c.status]);
      cell(tr, c.agent || '—');
      cell(tr, B.PRIORITIES[c.priority] || '普通', c.priority);
      clockCell(tr, x.clocks.firstResponse);
      clockCell(tr, x.clocks.resolution);
    });
    var today = $('today');
    B.clear(today);
    [
      ['已结束的人工会话', v.today.ended],
      ['有坐席接待', v.today.served],
      ['平均等待（服务时间）', v.today.averageWaitMs !== undefined ? B.duration(v.today.averageWaitMs) : '—'],
      ['首次回复超时', v.today.breachedFirstResponse],
      ['评价数', v.today.rated],
      ['平均分（5分制）', v.today.averageScore !== undefined ? v.today.averageScore : '—'],
      ['差评', v.today.bad],
    ].forEach(function (pair) {
      today.appendChild(B.el('dt', '', pair[0]));
      today.appendChild(B.el('dd', '', String(pair[1])));
    });
    var wo = $('work-orders');
    B.clear(wo);
    if (!v.workOrders.connected) { wo.appendChild(B.el('p', 'muted', '工单系统未接入')); return; }
    if (v.workOrders.error) wo.appendChild(B.el('p', 'error', v.workOrders.error));
    [['超期未办结', v.workOrders.overdue, 'overdue'], ['差评整改中', v.workOrders.rectification, 'rectification']].forEach(function (group) {
      wo.appendChild(B.el('h3', '', group[0] + '（' + group[1].length + '）'));
      var ul = B.el('ul', 'order-list ' + group[2]);
      group[1].forEach(function (o) {
        var li = B.el('li', 'order ' + group[2]);
        li.appendChild(B.el('div', 'order-ref', o.reference + ' · ' + o.status));
        li.appendChild(B.el('div', 'muted', o.title));
        ul.appendChild(li);
      });
      if (group[1].length === 0) ul.appendChild(B.el('li', 'muted', '无'));
      wo.appendChild(ul);
    });
  }

  function refresh() {
    if (pending) { pending.again = true; return; }
    pending = { again: false };
    B.api('GET', '/console/api/supervisor').then(render).catch(function (err) { console.error(err); }).then(function () {
      var again = pending.again;
      pending = null;
      if (again) refresh();
    });
  }

  B.live({ snapshot: refresh, case: refresh, agents: refresh }, heartbeatMs);
  // The clocks move even when nothing happens.
  setInterval(refresh, 15000);
})();
