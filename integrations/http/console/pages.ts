import { ROLE_LABELS, canSupervise, type AuditEntry, type StaffProfile } from '../../../bot/staff/model';
import { html, type SafeHtml } from './html';

/** Pages run their own scripts only; forms post to this site only. */
export const CONSOLE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export const PRODUCT = '办事助手 · 人工坐席';

function layout(title: string, body: SafeHtml, options: { user?: StaffProfile; csrf?: string; page: string; scripts?: string[]; data?: Record<string, string> }): string {
  const data = Object.entries(options.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  return `<!doctype html>${html`<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${options.csrf ? html`<meta name="csrf-token" content="${options.csrf}">` : ''}
<title>${title} · ${PRODUCT}</title>
<link rel="stylesheet" href="/console/assets/console.css">
</head>
<body class="page-${options.page}"${data}>
${options.user ? nav(options.user, options.page, options.csrf ?? '') : ''}
<main id="main">${body}</main>
${(options.scripts ?? []).map((src) => html`<script src="/console/assets/${src}" defer></script>`)}
</body>
</html>`}`;
}

function nav(user: StaffProfile, page: string, csrf: string): SafeHtml {
  const link = (href: string, label: string, id: string) => html`<a href="${href}"${page === id ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<header class="topbar">
  <div class="brand">${PRODUCT}</div>
  <nav aria-label="主导航">
    ${link('/console', '工作台', 'workspace')}
    ${canSupervise(user.role) ? [link('/console/supervisor', '班长视图', 'supervisor'), link('/console/audit', '审计日志', 'audit')] : ''}
    ${user.role === 'admin' ? link('/console/accounts', '账号管理', 'accounts') : ''}
  </nav>
  <div class="who">
    <span id="live-badge" class="badge offline" role="status" aria-live="polite">连接中…</span>
    <span class="user">${user.displayName}（${ROLE_LABELS[user.role]}）</span>
    <form method="post" action="/console/logout" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="link">退出登录</button></form>
  </div>
</header>`;
}

export function loginPage(options: { csrf: string; error?: string; username?: string; notice?: string }): string {
  const body = html`<section class="login-card" aria-labelledby="login-title">
  <h1 id="login-title">${PRODUCT}</h1>
  <p class="muted">请使用管理员分配的账号登录。</p>
  ${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
  ${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
  <form method="post" action="/console/login" autocomplete="on">
    <input type="hidden" name="_csrf" value="${options.csrf}">
    <label>账号<input name="username" autocomplete="username" required maxlength="32" value="${options.username ?? ''}" autofocus></label>
    <label>密码<input name="password" type="password" autocomplete="current-password" required maxlength="128"></label>
    <button type="submit" class="primary">登录</button>
  </form>
  <p class="muted small">连续输错密码会暂时锁定账号。忘记密码请联系管理员。</p>
</section>`;
  return layout('登录', body, { page: 'login' });
}

export function workspacePage(user: StaffProfile, csrf: string, heartbeatMs: number): string {
  const body = html`<div class="workspace">
  <aside class="queues" aria-label="会话列表">
    <section>
      <div class="section-head"><h2>排队中 <span id="queue-count" class="count">0</span></h2><button id="take-next" class="primary" type="button">接入下一位</button></div>
      <div id="offer" class="offer" hidden role="alert"></div>
      <ul id="queue" class="case-list" aria-label="排队中的居民"></ul>
    </section>
    <section>
      <div class="section-head"><h2>我的会话 <span id="load" class="count">0</span></h2>
        <label class="presence">状态 <select id="presence"><option value="online">在线</option><option value="away">离开</option><option value="offline">下线</option></select></label></div>
      <ul id="mine" class="case-list" aria-label="我接待的会话"></ul>
    </section>
    <section id="others-section" hidden>
      <h2>同事的会话</h2>
      <ul id="others" class="case-list" aria-label="同事接待的会话"></ul>
    </section>
  </aside>
  <section class="chat" aria-label="会话">
    <div id="empty" class="empty">从会话列表中选一位居民，或点“接入下一位”。</div>
    <div id="chat" hidden>
      <header class="chat-head">
        <div><h2 id="chat-title"></h2><p id="chat-meta" class="muted"></p></div>
        <div class="actions">
          <button id="take" type="button" class="primary" hidden>接入</button>
          <button id="transfer" type="button">转接</button>
          <button id="release" type="button">放回队列</button>
          <button id="handback" type="button">交回机器人</button>
          <button id="close" type="button" class="danger">结束会话</button>
        </div>
      </header>
      <p id="reach" class="reach"></p>
      <ol id="transcript" class="transcript" aria-label="对话记录" aria-live="polite"></ol>
      <form id="composer" class="composer">
        <div class="composer-tools">
          <label>快捷回复 <select id="quick"><option value="">选择…</option></select></label>
          <label class="note-toggle"><input type="checkbox" id="as-note"> 内部备注（不发送给居民）</label>
        </div>
        <textarea id="reply" rows="3" maxlength="1000" placeholder="输入回复，Ctrl+Enter 发送" aria-label="回复内容"></textarea>
        <div class="composer-foot"><span id="composer-status" class="muted" role="status"></span><button id="send" type="submit" class="primary">发送</button></div>
      </form>
    </div>
  </section>
  <aside class="context" aria-label="居民信息">
    <section><h2>已收集的信息</h2><dl id="collected" class="collected"></dl></section>
    <section><h2>居民的工单</h2><div id="orders" class="orders"></div></section>
  </aside>
</div>
<dialog id="reveal-dialog" aria-labelledby="reveal-title">
  <form method="dialog" id="reveal-form">
    <h3 id="reveal-title">查看完整信息</h3>
    <p class="muted">身份证号、电话等信息默认隐藏。查看原因会记入审计日志。</p>
    <label>查看原因<input id="reveal-reason" required minlength="4" maxlength="100" placeholder="例如：核对居民身份以便办理"></label>
    <p id="reveal-error" class="error" role="alert" hidden></p>
    <menu><button value="cancel" type="button" id="reveal-cancel">取消</button><button value="ok" class="primary" id="reveal-ok">查看</button></menu>
  </form>
</dialog>
<dialog id="transfer-dialog" aria-labelledby="transfer-title">
  <form method="dialog" id="transfer-form">
    <h3 id="transfer-title">转接会话</h3>
    <label>转给班组<select id="transfer-team"><option value="">（不转班组）</option></select></label>
    <label>或转给同事<select id="transfer-agent"><option value="">（不指定）</option></select></label>
    <p id="transfer-error" class="error" role="alert" hidden></p>
    <menu><button value="cancel" type="button" id="transfer-cancel">取消</button><button value="ok" class="primary" id="transfer-ok">转接</button></menu>
  </form>
</dialog>
<dialog id="close-dialog" aria-labelledby="close-title">
  <form method="dialog" id="close-form">
    <h3 id="close-title">结束会话</h3>
    <label>处理结果<textarea id="close-resolution" rows="3" required maxlength="1000" placeholder="例如：已解答材料问题；已登记报修"></textarea></label>
    <fieldset id="close-orders"><legend>工单</legend>
      <label><input type="radio" name="wo" value="none" checked> 不登记工单</label>
      <label><input type="radio" name="wo" value="new"> 新建工单 <select id="close-category"><option>咨询</option><option>求助</option><option>投诉</option><option>举报</option><option>建议</option><option>表扬</option></select></label>
      <label><input type="radio" name="wo" value="update"> 更新居民已有工单 <select id="close-existing"></select> <label class="inline"><input type="checkbox" id="close-existing-done"> 同时办结</label></label>
      <p id="close-orders-note" class="muted small"></p>
    </fieldset>
    <p id="close-error" class="error" role="alert" hidden></p>
    <menu><button value="cancel" type="button" id="close-cancel">取消</button><button value="ok" class="danger" id="close-ok">结束并通知居民</button></menu>
  </form>
</dialog>`;
  return layout('工作台', body, { user, csrf, page: 'workspace', scripts: ['common.js', 'workspace.js'], data: { heartbeat: String(heartbeatMs), user: user.username, role: user.role } });
}

export function supervisorPage(user: StaffProfile, csrf: string, heartbeatMs: number): string {
  const body = html`<div class="supervisor">
  <section><h2>各班组队列</h2><table class="grid" id="teams"><thead><tr><th>班组</th><th>服务时间</th><th>状态</th><th>排队</th><th>最长等待</th><th>在线坐席</th><th>空余接待</th></tr></thead><tbody></tbody></table></section>
  <section><h2>坐席</h2><table class="grid" id="agents"><thead><tr><th>坐席</th><th>角色</th><th>班组</th><th>状态</th><th>接待中</th></tr></thead><tbody></tbody></table></section>
  <section><h2>进行中的会话（时限按服务时间计）</h2><table class="grid" id="cases"><thead><tr><th>居民</th><th>班组</th><th>状态</th><th>坐席</th><th>优先级</th><th>首次回复</th><th>总时长</th></tr></thead><tbody></tbody></table></section>
  <section class="two"><div><h2>今日</h2><dl id="today" class="facts"></dl></div>
    <div><h2>需要督办的工单</h2><div id="work-orders"></div></div></section>
</div>`;
  return layout('班长视图', body, { user, csrf, page: 'supervisor', scripts: ['common.js', 'supervisor.js'], data: { heartbeat: String(heartbeatMs), user: user.username, role: user.role } });
}

const ACTION_LABELS: Record<string, string> = {
  login: '登录',
  'login-failed': '登录失败',
  'login-locked': '账号锁定',
  logout: '退出',
  take: '接入',
  reveal: '查看隐藏信息',
  reply: '回复',
  note: '内部备注',
  transfer: '转接',
  release: '放回队列',
  'hand-back': '交回机器人',
  close: '结束会话',
  presence: '状态',
  'account-create': '创建账号',
  'account-update': '修改账号',
  'audit-export': '导出审计日志',
};

export const auditActionLabel = (action: string): string => ACTION_LABELS[action] ?? action;

export function formatTime(at: number): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(at));
}

export function auditPage(user: StaffProfile, csrf: string, q: { actor?: string; action?: string; from?: string; to?: string }, entries: AuditEntry[], next: string | undefined, exportQuery: string): string {
  const options = Object.entries(ACTION_LABELS).map(([value, label]) => html`<option value="${value}"${q.action === value ? html` selected` : ''}>${label}</option>`);
  const rows = entries.map(
    (e) => html`<tr><td>${formatTime(e.at)}</td><td>${e.actor}</td><td>${auditActionLabel(e.action)}</td><td>${e.target ?? ''}</td><td>${Object.entries(e.detail ?? {}).map(([k, v]) => `${k}: ${String(v)}`).join('；')}</td><td>${e.ip ?? ''}</td></tr>`,
  );
  const body = html`<section>
  <h2>审计日志</h2>
  <p class="muted">每一次登录、接入、查看隐藏信息、回复、转接和结束都记录在这里，只增不改。</p>
  <form method="get" action="/console/audit" class="filters">
    <label>人员<input name="actor" value="${q.actor ?? ''}" maxlength="32"></label>
    <label>操作<select name="action"><option value="">全部</option>${options}</select></label>
    <label>从<input type="date" name="from" value="${q.from ?? ''}"></label>
    <label>到<input type="date" name="to" value="${q.to ?? ''}"></label>
    <button type="submit">筛选</button>
    <a class="button" href="/console/audit.csv?${exportQuery}" download>导出 CSV</a>
  </form>
  <table class="grid" id="audit"><thead><tr><th>时间</th><th>人员</th><th>操作</th><th>对象</th><th>详情</th><th>地址</th></tr></thead><tbody>${rows.length ? rows : html`<tr><td colspan="6" class="muted">没有记录</td></tr>`}</tbody></table>
  ${next ? html`<p><a href="/console/audit?${next}">更早的记录 →</a></p>` : ''}
</section>`;
  return layout('审计日志', body, { user, csrf, page: 'audit', scripts: ['badge.js'], data: { heartbeat: '0' } });
}

export interface AccountRow {
  username: string;
  displayName: string;
  role: string;
  teams: string[];
  capacity: number;
  disabled: boolean;
  lockedUntil?: number;
}

export function accountsPage(user: StaffProfile, csrf: string, accounts: AccountRow[], teams: { id: string; name: string }[], message?: { ok: boolean; text: string }): string {
  const teamBoxes = (selected: string[], prefix: string) =>
    teams.map((t) => html`<label class="inline"><input type="checkbox" name="teams" value="${t.id}"${selected.includes(t.id) ? html` checked` : ''} id="${prefix}-${t.id}"> ${t.name}</label>`);
  const roleOptions = (selected: string) => Object.entries(ROLE_LABELS).map(([value, label]) => html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}</option>`);
  const rows = accounts.map(
    (a) => html`<tr data-user="${a.username}">
  <td>${a.username}</td>
  <td colspan="5">
    <form method="post" action="/console/accounts/${a.username}" class="row-form">
      <input type="hidden" name="_csrf" value="${csrf}">
      <label>显示名<input name="displayName" value="${a.displayName}" required maxlength="20"></label>
      <label>角色<select name="role">${roleOptions(a.role)}</select></label>
      <span class="teams">${teamBoxes(a.teams, a.username)}</span>
      <label>同时接待<input name="capacity" type="number" min="1" max="20" value="${a.capacity}"></label>
      <label class="inline"><input type="checkbox" name="disabled" value="1"${a.disabled ? html` checked` : ''}> 停用</label>
      ${a.lockedUntil ? html`<label class="inline warn"><input type="checkbox" name="unlock" value="1"> 解锁（锁定至 ${formatTime(a.lockedUntil)}）</label>` : ''}
      <label>新密码<input name="password" type="password" autocomplete="new-password" maxlength="128" placeholder="不改请留空"></label>
      <label>再输一次<input name="password2" type="password" autocomplete="new-password" maxlength="128"></label>
      <button type="submit">保存</button>
    </form>
  </td>
</tr>`,
  );
  const body = html`<section>
  <h2>账号管理</h2>
  ${message ? html`<p class="${message.ok ? 'notice' : 'error'}" role="${message.ok ? 'status' : 'alert'}">${message.text}</p>` : ''}
  <table class="grid accounts"><thead><tr><th>账号</th><th colspan="5">设置</th></tr></thead><tbody>${rows}</tbody></table>
  <h3>新建账号</h3>
  <form method="post" action="/console/accounts" class="row-form" id="create-account">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label>账号<input name="username" required maxlength="32" pattern="[a-z][a-z0-9._-]*"></label>
    <label>显示名<input name="displayName" required maxlength="20" placeholder="如：1023号"></label>
    <label>角色<select name="role">${roleOptions('agent')}</select></label>
    <span class="teams">${teamBoxes([teams[0]?.id ?? ''], 'new')}</span>
    <label>同时接待<input name="capacity" type="number" min="1" max="20" value="3"></label>
    <label>初始密码<input name="password" type="password" required minlength="12" maxlength="128" autocomplete="new-password"></label>
    <label>再输一次<input name="password2" type="password" required minlength="12" maxlength="128" autocomplete="new-password"></label>
    <button type="submit" class="primary">创建</button>
  </form>
  <p class="muted small">密码至少12位。系统没有默认账号，第一个管理员用 <code>npm run admin:create</code> 创建。</p>
</section>`;
  return layout('账号管理', body, { user, csrf, page: 'accounts', scripts: ['badge.js'], data: { heartbeat: '0' } });
}

export function messagePage(title: string, text: string, link?: { href: string; label: string }): string {
  return layout(title, html`<section class="login-card"><h1>${title}</h1><p>${text}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}</section>`, { page: 'message' });
}
