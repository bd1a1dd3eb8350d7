// metrogw doctor console: one page over the node's north API (docs/openapi.yaml), same origin.
//
// Privacy rules kept by this file:
// - the person token lives in memory only (never localStorage, sessionStorage, cookies or a URL);
// - the resident ID is sent once, in the body of POST /v1/patients/$resolve, then cleared from the
//   form and only shown masked (3201**********1234);
// - nothing is ever written to the browser console (no console.* call anywhere).
// Plain ES2017, no dependencies. Every DOM update goes through textContent, never innerHTML.
(function () {
  'use strict';

  var CITIES = [
    { code: '3201', zh: '南京', en: 'Nanjing' },
    { code: '3402', zh: '芜湖', en: 'Wuhu' },
    { code: '3405', zh: '马鞍山', en: "Ma'anshan" }
  ];

  // The metro-wide department codes (adapters/data/departments.tsv).
  var DEPARTMENTS = [
    ['02', '全科医疗科', 'General practice'],
    ['03', '内科', 'Internal medicine'],
    ['03.01', '呼吸内科', 'Respiratory medicine'],
    ['03.02', '消化内科', 'Gastroenterology'],
    ['03.03', '神经内科', 'Neurology'],
    ['03.04', '心血管内科', 'Cardiology'],
    ['03.07', '内分泌科', 'Endocrinology'],
    ['04', '外科', 'Surgery'],
    ['04.01', '普通外科', 'General surgery'],
    ['04.03', '骨科', 'Orthopaedics'],
    ['04.04', '泌尿外科', 'Urology'],
    ['05', '妇产科', 'Obstetrics and gynaecology'],
    ['07', '儿科', 'Paediatrics'],
    ['10', '眼科', 'Ophthalmology'],
    ['11', '耳鼻咽喉科', 'Otorhinolaryngology'],
    ['12', '口腔科', 'Stomatology'],
    ['13', '皮肤科', 'Dermatology'],
    ['50', '中医科', 'Traditional Chinese medicine']
  ];

  // Chinese text for the problem types (the English title comes from the node).
  var PROBLEM_ZH = {
    'slot-unavailable': '号源不可用（已约满、已停诊或不存在）',
    'hold-expired': '锁号已过期或已使用',
    'booking-window-closed': '尚未到预约开放时间',
    'reserved-for-family-doctors': '仅剩家庭医生预留号',
    'patient-limit-reached': '已达患者预约上限',
    'patient-suspended': '患者因爽约被暂停网上预约',
    'cancellation-cutoff-passed': '已过网上取消截止时间，请联系医院',
    'consent-required': '需要患者同意',
    'break-glass-not-permitted': '紧急访问未获准',
    'unknown-patient': '本节点无该患者信息，请重新识别患者',
    'invalid-identifier': '证件号不符合规则',
    'invalid-parameter': '参数有误',
    'malformed-request': '请求格式有误',
    'unprocessable-message': '请求内容无法处理',
    'caller-not-allowed': '无此操作权限',
    'appointment-not-found': '未找到该预约',
    'idempotency-key-required': '缺少幂等键',
    'idempotency-key-reused': '幂等键已用于其他请求',
    'invalid-referral': '转诊信息有误',
    'not-implemented': '本节点未启用此功能',
    'audit-unavailable': '审计记录不可写，未返回任何数据',
    'upstream-unavailable': '上游服务不可用，请稍后重试',
    'upstream-timeout': '上游服务超时，请稍后重试',
    'request-timeout': '请求超时',
    'too-many-connections': '节点繁忙，请稍后重试',
    'not-found': '未找到',
    'internal': '节点内部错误'
  };

  var STATUS_ZH = { booked: '已预约', cancelled: '已取消', failed: '失败', noshow: '爽约' };
  var DELIVERY_ZH = { pending: '投递中', delivered: '已送达医院', failed: '投递失败' };
  var INCOMPLETE_ZH = { timeout: '超时', unavailable: '不可用', refused: '拒绝', malformed: '应答有误', error: '错误' };
  var WEEKDAYS = [['周日', 'Sun'], ['周一', 'Mon'], ['周二', 'Tue'], ['周三', 'Wed'], ['周四', 'Thu'], ['周五', 'Fri'], ['周六', 'Sat']];
  var INTERPRETATION = {
    Low: ['↓', '偏低', 'Low'],
    High: ['↑', '偏高', 'High'],
    CriticalLow: ['↓↓', '危急低值', 'Critical low'],
    CriticalHigh: ['↑↑', '危急高值', 'Critical high'],
    Abnormal: ['!', '异常', 'Abnormal'],
    CriticalAbnormal: ['!!', '危急异常', 'Critical abnormal']
  };

  var REQUEST_TIMEOUT_MS = 20000;
  var POLL_INTERVAL_MS = 1500;
  var POLL_MAX = 40;
  var DAY_MS = 86400000;
  var CHINA_OFFSET_MS = 8 * 3600000;  // China time has no daylight saving

  // ---------------------------------------------------------------------------------------------
  // State (memory only)
  // ---------------------------------------------------------------------------------------------
  var state = {
    patient: null,          // { token, masked, name, cities }
    hospitals: [],          // directory organisations
    hospitalsLoaded: false,
    hospitalNames: {},      // "city|id" -> name
    search: null,           // { params, cursor }
    slots: [],
    slotIds: {},
    bookings: [],           // { appt, patientLabel, polls, timer, note }
    booking: {}             // slot id -> true while it is being booked
  };

  var $ = function (id) { return document.getElementById(id); };

  // ---------------------------------------------------------------------------------------------
  // Busy flag: body[data-busy] is "1" while any request (or user action) is in flight.
  // ---------------------------------------------------------------------------------------------
  var inFlight = 0;
  function busyInc() {
    inFlight += 1;
    document.body.dataset.busy = '1';
  }
  function busyDec() {
    inFlight = Math.max(0, inFlight - 1);
    document.body.dataset.busy = inFlight > 0 ? '1' : '0';
  }
  async function busy(fn) {
    busyInc();
    try {
      return await fn();
    } finally {
      busyDec();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.indexOf('data-') === 0) node.setAttribute(k, v);
        else if (k === 'disabled' || k === 'hidden') node[k] = true;
        else node.setAttribute(k, v);
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  function en(text) {
    return el('span', { lang: 'en', text: text });
  }

  // Chinese + English label.
  function bi(zh, english) {
    return el('span', null, [zh + ' ', en(english)]);
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function randomHex(bytes) {
    var a = new Uint8Array(bytes);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(a);
    } else {
      for (var i = 0; i < bytes; i += 1) a[i] = Math.floor(Math.random() * 256);
    }
    return Array.prototype.map.call(a, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }

  function newIdempotencyKey() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      try {
        return window.crypto.randomUUID();
      } catch (e) {
        // randomUUID needs a secure context; fall through
      }
    }
    return randomHex(16);
  }

  function newRequestId() {
    return 'console-' + randomHex(12);
  }

  function utf8Bytes(s) {
    if (typeof TextEncoder !== 'undefined') return new TextEncoder().encode(s);
    var bin = unescape(encodeURIComponent(s));
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
    return out;
  }

  // Header values are byte strings: send the UTF-8 bytes of the text (e.g. a Chinese reason) as
  // they are, without control characters, as a curl -H would.
  function headerValue(s) {
    var text = String(s).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    var bytes = utf8Bytes(text);
    var out = '';
    for (var i = 0; i < bytes.length; i += 1) out += String.fromCharCode(bytes[i]);
    return out;
  }

  function chinaDate(ms) {
    return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  }

  function addDays(isoDate, days) {
    var p = isoDate.split('-');
    var ms = Date.UTC(Number(p[0]), Number(p[1]) - 1, Number(p[2])) + days * DAY_MS;
    return new Date(ms).toISOString().slice(0, 10);
  }

  function isIsoDate(s) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
    var p = s.split('-');
    var d = new Date(Date.UTC(Number(p[0]), Number(p[1]) - 1, Number(p[2])));
    return d.getUTCFullYear() === Number(p[0]) && d.getUTCMonth() === Number(p[1]) - 1 &&
      d.getUTCDate() === Number(p[2]);
  }

  function weekday(isoDate) {
    var p = isoDate.split('-');
    return WEEKDAYS[new Date(Date.UTC(Number(p[0]), Number(p[1]) - 1, Number(p[2]))).getUTCDay()];
  }

  // "2026-11-24T08:00:00+08:00" -> "2026-11-24" and "08:00" (the node answers China time).
  function datePart(iso) {
    return typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : '';
  }
  function timePart(iso) {
    var m = typeof iso === 'string' ? /T(\d{2}:\d{2})/.exec(iso) : null;
    return m ? m[1] : '';
  }

  function cityInfo(code) {
    for (var i = 0; i < CITIES.length; i += 1) if (CITIES[i].code === code) return CITIES[i];
    return null;
  }
  function cityLabel(code) {
    var c = cityInfo(code);
    return c ? c.zh + ' ' + c.en : String(code || '?');
  }

  function departmentInfo(code) {
    for (var i = 0; i < DEPARTMENTS.length; i += 1) if (DEPARTMENTS[i][0] === code) return DEPARTMENTS[i];
    return null;
  }

  function hospitalName(city, id) {
    return state.hospitalNames[city + '|' + id] || '';
  }

  function maskResidentId(id) {
    var s = String(id);
    if (s.length <= 8) return '*'.repeat(s.length);
    return s.slice(0, 4) + '*'.repeat(s.length - 8) + s.slice(-4);
  }

  // A search id of the API: 1-100 characters without spaces, quotes or backslashes.
  function validSearchId(s) {
    return s.length >= 1 && s.length <= 100 && !/[\s"'\\]/.test(s);
  }

  // ---------------------------------------------------------------------------------------------
  // Messages: #message (role=alert) for problems, per-section status lines for the rest.
  // ---------------------------------------------------------------------------------------------
  function clearMessage() {
    var m = $('message');
    clear(m);
    m.className = 'message';
  }

  function showError(zh, english, extra) {
    var m = $('message');
    clear(m);
    m.className = 'message error';
    m.appendChild(el('strong', null, [zh + ' ', en(english)]));
    if (extra) m.appendChild(el('div', { class: 'detail', text: extra }));
  }

  function problemSlug(problem) {
    var t = problem && typeof problem.type === 'string' ? problem.type : '';
    return t.indexOf('urn:metrogw:problem:') === 0 ? t.slice('urn:metrogw:problem:'.length) : t;
  }

  // A problem document (or a stand-in for a network failure) in the alert area.
  function showProblem(problem, context) {
    var m = $('message');
    clear(m);
    m.className = 'message error';
    var slug = problemSlug(problem);
    var head = el('div', { class: 'problem-head' });
    if (context) head.appendChild(el('span', { class: 'context', text: context }));
    if (slug === 'consent-required') {
      head.appendChild(el('strong', null, ['需要患者同意 ', en('Patient consent required')]));
    } else {
      var zh = PROBLEM_ZH[slug] || problem.zh || '请求失败';
      head.appendChild(el('strong', null, [zh + ' ', en(problem.title || 'Request failed')]));
    }
    m.appendChild(head);
    var meta = el('div', { class: 'problem-meta' });
    if (slug) meta.appendChild(el('code', { class: 'problem-type', 'data-type': slug, text: slug }));
    if (problem.status) meta.appendChild(el('span', { class: 'problem-status', text: 'HTTP ' + problem.status }));
    m.appendChild(meta);
    if (problem.detail) m.appendChild(el('div', { class: 'detail', text: String(problem.detail) }));
    if (slug === 'consent-required') {
      m.appendChild(el('div', { class: 'hint' }, [
        '请患者在其归属城市节点登记同意（检验报告类，用途与本次一致）。',
        en('The patient records consent at their home node (lab reports, for this purpose).')
      ]));
    }
    if (typeof problem.instance === 'string' && problem.instance) {
      m.appendChild(el('div', { class: 'instance', text: problem.instance }));
    }
  }

  function setStatus(id, nodes, kind) {
    var s = $(id);
    clear(s);
    s.className = 'status' + (kind ? ' ' + kind : '');
    (nodes || []).forEach(function (n) {
      if (n === null || n === undefined || n === false) return;
      s.appendChild(typeof n === 'string' ? document.createTextNode(n) : n);
    });
  }

  function incompleteText(list) {
    return list.map(function (i) {
      var reason = i && i.reason ? i.reason : 'error';
      return cityLabel(i && i.city) + ' (' + (i && i.city ? i.city : '?') + ': ' +
        (INCOMPLETE_ZH[reason] || '') + ' ' + reason + ')';
    }).join('; ');
  }

  function showWarning(id, zh, english, list) {
    var w = $(id);
    clear(w);
    if (!list || !list.length) return;
    w.appendChild(el('strong', null, ['⚠ ' + zh + ' ', en(english)]));
    w.appendChild(el('span', { class: 'incomplete-cities', text: ' ' + incompleteText(list) }));
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP
  // ---------------------------------------------------------------------------------------------
  async function fetchWithTimeout(url, init) {
    var controller = typeof AbortController !== 'undefined' ? new AbortController() : null;
    var timer = null;
    if (controller) {
      init.signal = controller.signal;
      timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    }
    try {
      var res = await fetch(url, init);
      var text = await res.text();
      return { res: res, text: text };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  // Answers { ok, status, data, problem, headers }; never throws. A request with an
  // Idempotency-Key is sent again once, with the same key, when the network fails.
  async function api(method, url, opts) {
    opts = opts || {};
    var headers = { 'Accept': 'application/json', 'X-Request-Id': newRequestId() };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
    if (opts.headers) {
      Object.keys(opts.headers).forEach(function (k) { headers[k] = headerValue(opts.headers[k]); });
    }
    var init = {
      method: method,
      headers: headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined
    };
    var attempts = opts.idempotencyKey ? 2 : 1;
    var lastError = null;
    busyInc();
    try {
      for (var i = 0; i < attempts; i += 1) {
        var got;
        try {
          got = await fetchWithTimeout(url, Object.assign({}, init));
        } catch (e) {
          lastError = e;
          continue;
        }
        return readAnswer(got.res, got.text);
      }
      var timedOut = lastError && lastError.name === 'AbortError';
      return {
        ok: false,
        status: 0,
        data: null,
        headers: null,
        problem: {
          type: '',
          zh: timedOut ? '请求超时' : '无法连接节点',
          title: timedOut ? 'The request timed out' : 'Could not reach the node (network error)',
          detail: attempts > 1 ? '已用同一幂等键重试一次 Retried once with the same Idempotency-Key' : ''
        }
      };
    } finally {
      busyDec();
    }
  }

  function readAnswer(res, text) {
    var type = res.headers.get('Content-Type') || '';
    var data = null;
    if (text && type.indexOf('json') !== -1) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = null;
      }
    }
    var out = { ok: res.ok, status: res.status, data: data, headers: res.headers, problem: null };
    if (!res.ok) {
      if (data && typeof data === 'object' && typeof data.type === 'string') {
        out.problem = data;
        if (!out.problem.status) out.problem.status = res.status;
      } else {
        out.problem = { type: '', title: 'HTTP ' + res.status + ' ' + (res.statusText || ''), status: res.status };
      }
    } else if (data === null) {
      out.ok = false;
      out.problem = { type: '', zh: '应答格式有误', title: 'Unexpected answer (not JSON)', status: res.status };
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Node and hospital directory
  // ---------------------------------------------------------------------------------------------
  async function loadNode() {
    var r = await api('GET', '/v1/node');
    $('node-name').textContent = r.ok && r.data && r.data.node ? r.data.node : '?';
  }

  async function loadHospitals() {
    var r = await api('GET', '/v1/hospitals');
    var w = $('directory-warning');
    clear(w);
    if (!r.ok) {
      w.appendChild(el('strong', null, ['⚠ 医院目录加载失败 ', en('Hospital directory not loaded')]));
      w.appendChild(el('span', { text: ' ' + (problemSlug(r.problem) || r.problem.title || '') }));
      return;
    }
    state.hospitals = Array.isArray(r.data.organizations) ? r.data.organizations : [];
    state.hospitalsLoaded = true;
    state.hospitalNames = {};
    state.hospitals.forEach(function (o) {
      if (o && o.id) state.hospitalNames[o.city + '|' + o.id] = o.name || o.id;
    });
    fillHospitals();
    var incomplete = Array.isArray(r.data.incomplete) ? r.data.incomplete : [];
    showWarning('directory-warning', '医院目录不完整', 'Hospital directory incomplete', incomplete);
    // Names may now be known for rows drawn before the directory arrived.
    if (state.slots.length) renderSlots();
    renderBookings();
  }

  function gradeLabel(o) {
    if (o.grade === 'Tertiary') return '三级' + (o.grade_class || '') + ' Tertiary';
    if (o.grade === 'Secondary') return '二级' + (o.grade_class || '') + ' Secondary';
    if (o.grade === 'Primary') return '一级' + (o.grade_class || '') + ' Primary';
    return '';
  }

  function fillHospitals() {
    var select = $('search-hospital');
    var city = $('search-city').value;
    var keep = select.value;
    clear(select);
    select.appendChild(el('option', { value: '', text: '全部医院 All hospitals' }));
    var groups = {};
    var found = false;
    state.hospitals.forEach(function (o) {
      if (!o || !o.id || (city && o.city !== city)) return;
      var group = groups[o.city];
      if (!group) {
        group = el('optgroup', { label: (o.city || '?') + ' ' + cityLabel(o.city) });
        groups[o.city] = group;
        select.appendChild(group);
      }
      var grade = gradeLabel(o);
      group.appendChild(el('option', {
        value: o.id,
        'data-city': o.city || '',
        text: (o.name || o.id) + (grade ? ' · ' + grade : '')
      }));
      if (o.id === keep) found = true;
    });
    select.value = found ? keep : '';
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Patient
  // ---------------------------------------------------------------------------------------------
  // Fill the birth date from an 18- or 15-character resident ID when it is still empty.
  function birthDateFromResidentId(id) {
    var s = id.trim().toUpperCase();
    var d = '';
    if (/^\d{17}[\dX]$/.test(s)) d = s.slice(6, 10) + '-' + s.slice(10, 12) + '-' + s.slice(12, 14);
    else if (/^\d{15}$/.test(s)) d = '19' + s.slice(6, 8) + '-' + s.slice(8, 10) + '-' + s.slice(10, 12);
    return isIsoDate(d) ? d : '';
  }

  function forgetPatient() {
    state.patient = null;
    setStatus('patient-status', [bi('尚未识别患者', 'No patient resolved')]);
  }

  async function resolvePatient() {
    clearMessage();
    var idInput = $('patient-resident-id');
    var residentId = idInput.value.trim().toUpperCase();
    var name = $('patient-name').value.trim();
    var birth = $('patient-birth-date').value.trim();
    if (!/^(\d{17}[\dX]|\d{15})$/.test(residentId)) {
      showError('请输入 18 位（或 15 位）居民身份证号', 'Enter an 18-character (or 15-digit) resident ID');
      idInput.focus();
      return;
    }
    if (!name) {
      showError('请输入姓名', 'Enter the name');
      $('patient-name').focus();
      return;
    }
    if (!isIsoDate(birth)) {
      showError('请输入出生日期', 'Enter the birth date (YYYY-MM-DD)');
      $('patient-birth-date').focus();
      return;
    }
    forgetPatient();
    var masked = maskResidentId(residentId);
    setStatus('patient-status', [bi('正在识别 ' + masked + ' …', 'Resolving…')]);
    var r = await api('POST', '/v1/patients/$resolve', {
      body: { resident_id: residentId, name: name, birth_date: birth }
    });
    residentId = '';
    if (!r.ok) {
      setStatus('patient-status', [bi('识别失败', 'Not resolved'), ' · ' + masked], 'bad');
      showProblem(r.problem, '识别患者 Resolve · ');
      return;
    }
    var x = r.data;
    if (!x || typeof x.token !== 'string' || !x.token) {
      setStatus('patient-status', [bi('识别失败', 'Not resolved')], 'bad');
      showError('应答缺少患者令牌', 'The answer has no person token');
      return;
    }
    // The full number is never shown again.
    idInput.value = '';
    state.patient = {
      token: x.token,
      masked: masked,
      name: name,
      cities: Array.isArray(x.cities) ? x.cities : []
    };
    renderPatient(x, r.headers && r.headers.get('X-Metrogw-Identifier-Flag'));
  }

  function renderPatient(x, flag) {
    var p = state.patient;
    var nodes = [];
    nodes.push(el('div', { class: 'patient-line' }, [
      el('strong', { id: 'patient-masked', text: p.masked }), ' · ', el('span', { text: p.name })
    ]));
    if (p.cities.length) {
      var list = el('ul', { id: 'patient-cities', class: 'cities' });
      p.cities.forEach(function (c) {
        list.appendChild(el('li', { 'data-city': c.city }, [
          el('strong', { text: cityLabel(c.city) }), ' (' + c.city + ') · 本地号 ',
          en('local no.'), ' ', el('code', { text: c.patient_id || '' })
        ]));
      });
      nodes.push(el('div', null, [bi('已知城市', 'Known in') , ':']));
      nodes.push(list);
    } else {
      nodes.push(el('div', { class: 'warn-text' }, [bi('各城市均无该患者记录', 'Known in no city')]));
    }
    var conflicts = Array.isArray(x.conflicts) ? x.conflicts : [];
    if (conflicts.length) {
      nodes.push(el('div', { class: 'warn-text' }, [
        bi('同号不同人（未关联）', 'Same number, other demographics (not linked)'), ': ' +
        conflicts.map(function (c) { return cityLabel(c.city) + ' (' + (c.reason || '') + ')'; }).join('; ')
      ]));
    }
    var incomplete = Array.isArray(x.incomplete) ? x.incomplete : [];
    if (incomplete.length) {
      nodes.push(el('div', { class: 'warn-text' }, [
        bi('未响应城市', 'Cities that did not answer'), ': ' + incompleteText(incomplete)
      ]));
    }
    if (flag === 'check-character') {
      nodes.push(el('div', { class: 'warn-text' }, [bi('身份证校验位有误（已标记）', 'Wrong check character (flagged)')]));
    }
    setStatus('patient-status', nodes, 'good');
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Slot search
  // ---------------------------------------------------------------------------------------------
  function searchParams() {
    var p = {};
    var city = $('search-city').value;
    var hospital = $('search-hospital').value;
    var department = $('search-department').value.trim();
    var doctor = $('search-doctor').value.trim();
    var from = $('search-from').value;
    var to = $('search-to').value;
    if (hospital) {
      // A hospital belongs to one city: ask only that city.
      var option = $('search-hospital').selectedOptions ? $('search-hospital').selectedOptions[0] : null;
      var hcity = option ? option.getAttribute('data-city') : '';
      p.city = city || hcity || '';
    } else {
      p.city = city;
    }
    var checks = [['hospital', hospital, '医院', 'Hospital'], ['department', department, '科室代码', 'Department code'],
      ['doctor', doctor, '医生', 'Doctor']];
    for (var i = 0; i < checks.length; i += 1) {
      var c = checks[i];
      if (!c[1]) continue;
      if (!validSearchId(c[1])) {
        showError(c[2] + '格式有误（不能含空格或引号）', c[3] + ': no spaces, quotes or backslashes, at most 100 characters');
        return null;
      }
      p[c[0]] = c[1];
    }
    if (!isIsoDate(from) || !isIsoDate(to)) {
      showError('请选择日期范围', 'Choose the date range');
      return null;
    }
    if (to < from) {
      showError('结束日期早于开始日期', 'The end date is before the start date');
      return null;
    }
    p.from = from;
    p.to = addDays(to, 1);  // the API's `to` is exclusive; the form's end date is inclusive
    p.limit = '50';
    if (!p.city) delete p.city;
    return p;
  }

  // encodeURIComponent: `+` becomes %2B (as the API asks) and a cursor's `~` stays as given.
  function query(params) {
    return Object.keys(params).filter(function (k) {
      return params[k] !== undefined && params[k] !== null && params[k] !== '';
    }).map(function (k) {
      return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]);
    }).join('&');
  }

  async function searchSlots(more) {
    clearMessage();
    var params;
    if (more) {
      if (!state.search || !state.search.cursor) return;
      params = Object.assign({}, state.search.params, { cursor: state.search.cursor });
    } else {
      params = searchParams();
      if (!params) return;
      if (!state.hospitalsLoaded) await loadHospitals();
      state.search = { params: params, cursor: '' };
      state.slots = [];
      state.slotIds = {};
      clear($('slots'));
      clear($('search-warning'));
      $('search-more').hidden = true;
      setStatus('search-status', [bi('查询中…', 'Searching…')]);
    }
    var r = await api('GET', '/v1/slots?' + query(params));
    if (!r.ok) {
      setStatus('search-status', [bi('查询失败', 'Search failed')], 'bad');
      showProblem(r.problem, '号源查询 Slot search · ');
      return;
    }
    var page = r.data;
    (Array.isArray(page.slots) ? page.slots : []).forEach(function (s) {
      if (s && s.id && !state.slotIds[s.id]) {
        state.slotIds[s.id] = true;
        state.slots.push(s);
      }
    });
    state.slots.sort(function (a, b) {
      return a.start < b.start ? -1 : a.start > b.start ? 1 : (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    state.search.cursor = typeof page.next_cursor === 'string' ? page.next_cursor : '';
    $('search-more').hidden = !state.search.cursor;
    var incomplete = Array.isArray(page.incomplete) ? page.incomplete : [];
    showWarning('search-warning', '部分城市未响应，结果不完整', 'Some cities did not answer; the result is partial', incomplete);
    renderSlots();
  }

  function renderSlots() {
    var body = $('slots');
    clear(body);
    var day = '';
    var cols = 8;
    state.slots.forEach(function (s) {
      var d = datePart(s.start);
      if (d !== day) {
        day = d;
        var w = d ? weekday(d) : null;
        body.appendChild(el('tr', { class: 'day', 'data-day': d }, [
          el('th', { colspan: String(cols), scope: 'rowgroup' }, [
            d || '?', w ? ' ' + w[0] + ' ' : '', w ? en(w[1]) : null
          ])
        ]));
      }
      var dept = departmentInfo(s.department);
      var hname = hospitalName(s.city, s.hospital);
      var full = !(s.available > 0) && !(s.family_available > 0);
      var button = el('button', {
        type: 'button',
        class: 'book',
        'data-slot-id': s.id,
        'aria-label': '预约 Book ' + d + ' ' + timePart(s.start) + ' ' + (hname || s.hospital) + ' ' + s.doctor
      }, ['预约 ', en('Book')]);
      if (state.booking[s.id]) button.disabled = true;
      body.appendChild(el('tr', { class: 'slot' + (full ? ' full' : ''), 'data-slot-id': s.id, 'data-city': s.city }, [
        el('td', { class: 'time' }, [
          el('span', { class: 'date', text: d }), ' ',
          el('strong', { text: timePart(s.start) + '–' + timePart(s.end) })
        ]),
        el('td', { text: cityLabel(s.city) }),
        el('td', null, [
          el('span', { text: hname || s.hospital }),
          hname && hname !== s.hospital ? el('small', { class: 'id', text: ' ' + s.hospital }) : null
        ]),
        el('td', null, [
          el('span', { text: s.department }),
          dept ? el('small', { text: ' ' + dept[1] + ' ' + dept[2] }) : null
        ]),
        el('td', { text: s.doctor }),
        el('td', { class: 'num' }, [
          el('span', { class: 'available', text: String(s.available) }), ' / ',
          el('span', { class: 'capacity', text: String(s.capacity) })
        ]),
        el('td', { class: 'num family', text: String(s.family_available) }),
        el('td', null, [button])
      ]));
    });
    var n = state.slots.length;
    if (!n) {
      body.appendChild(el('tr', { class: 'none' }, [
        el('td', { colspan: String(cols) }, [bi('没有符合条件的号源', 'No slots match')])
      ]));
    }
    setStatus('search-status', [
      bi('共 ' + n + ' 个号源', n + (n === 1 ? ' slot' : ' slots')),
      state.search && state.search.cursor ? el('span', null, [' · ', bi('还有更多', 'more available')]) : null
    ]);
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Book, read, cancel
  // ---------------------------------------------------------------------------------------------
  function findSlot(id) {
    for (var i = 0; i < state.slots.length; i += 1) if (state.slots[i].id === id) return state.slots[i];
    return null;
  }

  function setSlotButtons(slotId, disabled) {
    var buttons = $('slots').querySelectorAll('button.book');
    Array.prototype.forEach.call(buttons, function (b) {
      if (b.getAttribute('data-slot-id') === slotId) b.disabled = disabled;
    });
  }

  async function book(slotId) {
    clearMessage();
    if (!state.patient) {
      showError('请先识别患者', 'Resolve the patient first');
      $('patient-resident-id').focus();
      return;
    }
    if (state.booking[slotId]) return;
    var patient = state.patient;
    var slot = findSlot(slotId);
    state.booking[slotId] = true;
    setSlotButtons(slotId, true);
    try {
      var hold = await api('POST', '/v1/appointments/holds', {
        body: { slot: slotId, patient: patient.token },
        idempotencyKey: newIdempotencyKey()
      });
      if (!hold.ok) {
        showProblem(hold.problem, '锁号 Hold · ');
        return;
      }
      var made = await api('POST', '/v1/appointments', {
        body: { slot: slotId, patient: patient.token, hold: hold.data.hold },
        idempotencyKey: newIdempotencyKey()
      });
      if (!made.ok) {
        showProblem(made.problem, '预约 Book · ');
        return;
      }
      var entry = upsertBooking(made.data, patient.masked);
      setStatus('bookings-status', [bi('已预约', 'Booked'), ' ' + made.data.id +
        (slot ? ' · ' + datePart(slot.start) + ' ' + timePart(slot.start) : '') +
        (made.headers && made.headers.get('Idempotent-Replayed') === 'true' ? ' (replayed)' : '')], 'good');
      startPolling(entry);
    } finally {
      delete state.booking[slotId];
      setSlotButtons(slotId, false);
    }
  }

  function findBooking(id) {
    for (var i = 0; i < state.bookings.length; i += 1) if (state.bookings[i].appt.id === id) return state.bookings[i];
    return null;
  }

  function upsertBooking(appt, patientLabel) {
    var entry = findBooking(appt.id);
    if (entry) {
      entry.appt = appt;
    } else {
      entry = { appt: appt, patientLabel: patientLabel || '', polls: 0, timer: null, note: '' };
      state.bookings.unshift(entry);
    }
    renderBookings();
    return entry;
  }

  function startPolling(entry) {
    if (entry.timer || entry.appt.delivery !== 'pending') return;
    entry.polls = 0;
    var tick = async function () {
      entry.timer = null;
      entry.polls += 1;
      var r = await api('GET', '/v1/appointments/' + encodeURIComponent(entry.appt.id));
      if (r.ok) {
        entry.appt = r.data;
        entry.note = '';
      } else {
        entry.note = problemSlug(r.problem) || (r.problem && r.problem.title) || 'error';
      }
      renderBookings();
      if (entry.appt.delivery === 'pending' && entry.polls < POLL_MAX) {
        entry.timer = setTimeout(tick, POLL_INTERVAL_MS);
      }
    };
    entry.timer = setTimeout(tick, POLL_INTERVAL_MS);
  }

  async function refreshBooking(id) {
    clearMessage();
    var entry = findBooking(id);
    if (!entry) return;
    var r = await api('GET', '/v1/appointments/' + encodeURIComponent(id));
    if (!r.ok) {
      showProblem(r.problem, '刷新预约 Refresh · ' + id + ' · ');
      return;
    }
    entry.appt = r.data;
    entry.note = '';
    renderBookings();
    startPolling(entry);
  }

  async function cancelBooking(id) {
    clearMessage();
    var entry = findBooking(id);
    if (!entry) return;
    var r = await api('DELETE', '/v1/appointments/' + encodeURIComponent(id), {
      idempotencyKey: newIdempotencyKey()
    });
    if (!r.ok) {
      showProblem(r.problem, '取消预约 Cancel · ' + id + ' · ');
      return;
    }
    entry.appt = r.data;
    entry.note = '';
    setStatus('bookings-status', [bi('已取消', 'Cancelled'), ' ' + id], 'good');
    renderBookings();
    startPolling(entry);
  }

  function renderBookings() {
    var list = $('bookings');
    clear(list);
    $('bookings-empty').hidden = state.bookings.length > 0;
    state.bookings.forEach(function (entry) {
      var a = entry.appt;
      var dept = departmentInfo(a.department);
      var hname = hospitalName(a.city, a.hospital);
      var status = a.status || '';
      var delivery = a.delivery || '';
      var item = el('li', {
        class: 'booking status-' + status + ' delivery-' + delivery,
        'data-appointment-id': a.id,
        'data-status': status,
        'data-delivery': delivery
      });
      item.appendChild(el('div', { class: 'booking-head' }, [
        el('code', { class: 'appointment-id', text: a.id }),
        el('span', { class: 'badge status-badge' }, [
          el('span', { class: 'status', text: status }), ' ',
          el('span', { class: 'zh', text: STATUS_ZH[status] || '' })
        ]),
        el('span', { class: 'badge delivery-badge' }, [
          '投递 ', en('Delivery'), ': ',
          el('span', { class: 'delivery', text: delivery }), ' ',
          el('span', { class: 'zh', text: DELIVERY_ZH[delivery] || '' })
        ])
      ]));
      item.appendChild(el('div', { class: 'booking-when' }, [
        el('strong', { text: datePart(a.start) + ' ' + timePart(a.start) + '–' + timePart(a.end) }),
        ' · ' + cityLabel(a.city) + ' · ' + (hname || a.hospital) + ' · ' + a.department +
          (dept ? ' ' + dept[1] + ' ' + dept[2] : '') + ' · ' + a.doctor
      ]));
      var meta = [];
      if (entry.patientLabel) meta.push('患者 Patient ' + entry.patientLabel);
      if (a.family_doctor) meta.push('家庭医生号 family-doctor place');
      if (a.platform_ref) meta.push('医院编号 Hospital ref ' + a.platform_ref);
      if (a.reason) meta.push('原因 Reason: ' + a.reason);
      if (entry.note) meta.push('刷新失败 Refresh failed: ' + entry.note);
      if (meta.length) item.appendChild(el('div', { class: 'booking-meta', text: meta.join(' · ') }));
      item.appendChild(el('div', { class: 'actions' }, [
        el('button', { type: 'button', class: 'refresh secondary', 'data-appointment-id': a.id,
          'aria-label': '刷新 Refresh ' + a.id }, ['刷新 ', en('Refresh')]),
        el('button', { type: 'button', class: 'cancel danger', 'data-appointment-id': a.id,
          'aria-label': '取消 Cancel ' + a.id, disabled: status !== 'booked' }, ['取消 ', en('Cancel')])
      ]));
      list.appendChild(item);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Lab reports
  // ---------------------------------------------------------------------------------------------
  function purposeChanged() {
    var emergency = $('labs-purpose').value === 'emergency';
    var reason = $('labs-reason');
    reason.disabled = !emergency;
    reason.required = emergency;
    reason.setAttribute('aria-required', emergency ? 'true' : 'false');
    $('labs-reason-field').classList.toggle('active', emergency);
  }

  async function loadLabs() {
    clearMessage();
    if (!state.patient) {
      showError('请先识别患者', 'Resolve the patient first');
      $('patient-resident-id').focus();
      return;
    }
    var practitioner = $('labs-practitioner').value.trim();
    var hospital = $('labs-hospital').value.trim();
    var purpose = $('labs-purpose').value;
    var reason = $('labs-reason').value.trim();
    var from = $('labs-from').value;
    var to = $('labs-to').value;
    if (!practitioner || headerValue(practitioner).length > 128) {
      showError('请输入医生工号（最多 128 字节）', 'Enter the practitioner ID (at most 128 bytes)');
      $('labs-practitioner').focus();
      return;
    }
    if (headerValue(hospital).length > 128) {
      showError('医院代码过长（最多 128 字节）', 'Hospital ID: at most 128 bytes');
      $('labs-hospital').focus();
      return;
    }
    var headers = { 'X-Practitioner': practitioner };
    if (hospital) headers['X-Hospital'] = hospital;
    if (purpose === 'emergency') {
      if (!reason) {
        showError('紧急访问必须填写理由', 'A reason is required for emergency access');
        $('labs-reason').focus();
        return;
      }
      if (headerValue(reason).length > 512) {  // bytes, as the node counts them
        showError('理由过长（最多 512 字节）', 'Reason: at most 512 bytes');
        $('labs-reason').focus();
        return;
      }
      headers['X-Break-Glass-Reason'] = reason;
    }
    var params = { purpose: purpose };
    if (from) params.from = from;
    if (to) params.to = to;
    var token = state.patient.token;
    clear($('labs'));
    clear($('labs-warning'));
    setStatus('labs-status', [bi('查询中…', 'Loading…')]);
    var r = await api('GET', '/v1/patients/' + encodeURIComponent(token) + '/lab-reports?' + query(params),
      { headers: headers });
    if (!r.ok) {
      var slug = problemSlug(r.problem);
      if (slug === 'consent-required') {
        setStatus('labs-status', [bi('需要患者同意', 'Patient consent required')], 'bad');
      } else if (slug === 'break-glass-not-permitted') {
        setStatus('labs-status', [bi('紧急访问未获准', 'Emergency access not permitted')], 'bad');
      } else {
        setStatus('labs-status', [bi('查询失败', 'Request failed')], 'bad');
      }
      showProblem(r.problem, '检验报告 Lab reports · ');
      return;
    }
    var reports = Array.isArray(r.data.lab_reports) ? r.data.lab_reports : [];
    var incomplete = Array.isArray(r.data.incomplete) ? r.data.incomplete : [];
    showWarning('labs-warning', '部分城市未响应，报告可能不全', 'Some cities did not answer; reports may be missing', incomplete);
    renderLabs(reports);
    var nodes = [bi('已显示可查阅的报告', 'Permitted reports shown')];
    if (purpose === 'emergency') nodes.push(el('span', { class: 'warn-text' }, [' · ', bi('紧急访问已记入审计', 'emergency access is audited')]));
    setStatus('labs-status', nodes, 'good');
  }

  function reportDate(rep) {
    return datePart(rep.effective) || datePart(rep.issued) || '';
  }

  function conceptText(c) {
    if (!c) return '';
    var coding = c.coding || {};
    return c.text || coding.display || coding.code || '';
  }

  function referenceRange(rr) {
    if (!rr) return '';
    if (rr.text) return rr.text;
    var unit = rr.unit ? ' ' + rr.unit : '';
    if (rr.low && rr.high) return rr.low + '–' + rr.high + unit;
    if (rr.low) return '≥ ' + rr.low + unit;
    if (rr.high) return '≤ ' + rr.high + unit;
    return '';
  }

  function observationValue(o) {
    if (o.value_type === 'Coded' && o.value_coding) return o.value_coding.display || o.value_coding.code || o.value || '';
    return o.value !== undefined && o.value !== null ? String(o.value) : '';
  }

  function renderLabs(reports) {
    var body = $('labs');
    clear(body);
    var sorted = reports.slice().sort(function (a, b) {
      var da = reportDate(a);
      var db = reportDate(b);
      return da < db ? 1 : da > db ? -1 : 0;
    });
    sorted.forEach(function (rep) {
      var items = el('ul', { class: 'items' });
      (Array.isArray(rep.observations) ? rep.observations : []).forEach(function (o) {
        var interp = INTERPRETATION[o.interpretation];
        var critical = typeof o.interpretation === 'string' && o.interpretation.indexOf('Critical') === 0;
        var range = referenceRange(o.reference_range);
        items.appendChild(el('li', {
          class: 'item' + (interp ? ' abnormal' : '') + (critical ? ' critical' : ''),
          'data-interpretation': o.interpretation || ''
        }, [
          el('span', { class: 'item-name', text: conceptText(o.code) || '?' }),
          el('span', { class: 'item-value' }, [
            el('strong', { class: 'value', text: observationValue(o) }),
            o.unit ? el('span', { class: 'unit', text: ' ' + o.unit }) : null
          ]),
          el('span', { class: 'range', text: range ? '参考 ref ' + range : '' }),
          interp ? el('span', { class: 'flag', title: interp[1] + ' ' + interp[2] },
            [interp[0] + ' ' + interp[1] + ' ', en(interp[2])]) : el('span', { class: 'flag none' }),
          o.note ? el('span', { class: 'note', text: o.note }) : null
        ]));
      });
      var org = rep.organization || {};
      var orgText = org.display || org.id || '';
      var orgCity = org.city ? cityLabel(org.city) : '';
      body.appendChild(el('tr', { class: 'report', 'data-report-id': rep.id || '' }, [
        el('td', { class: 'date', text: reportDate(rep) }),
        el('td', null, [el('code', { text: rep.id || '' })]),
        el('td', null, [
          el('div', { class: 'report-name', text: conceptText(rep.code) || conceptText(rep.category) }),
          orgText || orgCity ? el('div', { class: 'org', text: [orgText, orgCity].filter(Boolean).join(' · ') }) : null,
          rep.status ? el('div', { class: 'report-status', text: rep.status }) : null,
          rep.conclusion ? el('div', { class: 'conclusion', text: rep.conclusion }) : null
        ]),
        el('td', null, [items])
      ]));
    });
    if (!sorted.length) {
      body.appendChild(el('tr', { class: 'none' }, [
        el('td', { colspan: '4' }, [bi('没有可显示的报告', 'No reports to show')])
      ]));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring
  // ---------------------------------------------------------------------------------------------
  function fillDepartments() {
    var list = $('department-codes');
    DEPARTMENTS.forEach(function (d) {
      list.appendChild(el('option', { value: d[0], label: d[0] + ' ' + d[1] + ' ' + d[2], text: d[1] + ' ' + d[2] }));
    });
    var showName = function () {
      var d = departmentInfo($('search-department').value.trim());
      $('search-department-name').textContent = d ? d[1] + ' ' + d[2] : '';
    };
    $('search-department').addEventListener('input', showName);
    showName();
  }

  function init() {
    document.body.dataset.busy = '0';
    fillDepartments();
    var today = chinaDate(Date.now());
    $('search-from').value = today;
    $('search-to').value = addDays(today, 7);

    $('patient-form').addEventListener('submit', function (e) {
      e.preventDefault();
      busy(resolvePatient);
    });
    $('patient-resident-id').addEventListener('change', function () {
      var birth = $('patient-birth-date');
      if (!birth.value) {
        var d = birthDateFromResidentId($('patient-resident-id').value);
        if (d) birth.value = d;
      }
    });
    $('patient-clear').addEventListener('click', function () {
      clearMessage();
      $('patient-resident-id').value = '';
      $('patient-name').value = '';
      $('patient-birth-date').value = '';
      forgetPatient();
      clear($('labs'));
      clear($('labs-warning'));
      setStatus('labs-status', []);
    });

    $('search-city').addEventListener('change', fillHospitals);
    $('search-form').addEventListener('submit', function (e) {
      e.preventDefault();
      busy(function () { return searchSlots(false); });
    });
    $('search-more').addEventListener('click', function () {
      busy(function () { return searchSlots(true); });
    });
    $('slots').addEventListener('click', function (e) {
      var b = e.target.closest ? e.target.closest('button.book') : null;
      if (!b || b.disabled) return;
      var id = b.getAttribute('data-slot-id');
      busy(function () { return book(id); });
    });
    $('bookings').addEventListener('click', function (e) {
      var b = e.target.closest ? e.target.closest('button') : null;
      if (!b || b.disabled) return;
      var id = b.getAttribute('data-appointment-id');
      if (b.classList.contains('cancel')) busy(function () { return cancelBooking(id); });
      else if (b.classList.contains('refresh')) busy(function () { return refreshBooking(id); });
    });

    $('labs-purpose').addEventListener('change', purposeChanged);
    purposeChanged();
    $('labs-form').addEventListener('submit', function (e) {
      e.preventDefault();
      busy(loadLabs);
    });

    renderBookings();
    busy(function () { return Promise.all([loadNode(), loadHospitals()]); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
