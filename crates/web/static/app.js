// giaoban's few scripts, vendored and served from /static/app.js (the CSP allows 'self' only).
// Every page works without them: each one only spares a round trip.
(function () {
  'use strict';

  // A word as the server's spelling check cuts them: a run of letters and combining marks.
  var WORD = /[\p{Alphabetic}\p{M}]+/gu;

  // `text` with its `n`-th whole word `from` (from 0) replaced by `to`; null when there is none.
  function replaceOccurrence(text, from, n, to) {
    WORD.lastIndex = 0;
    var seen = 0;
    var m;
    while ((m = WORD.exec(text)) !== null) {
      if (m[0] === from) {
        if (seen === n) {
          return text.slice(0, m.index) + to + text.slice(m.index + from.length);
        }
        seen += 1;
      }
    }
    return null;
  }

  // The reading page: "Sửa thành «Việt»" changes that word in the confirm form's field here,
  // instead of posting the form for the server to do it. The buttons stop being the form's submit
  // buttons, so that Enter in a field still confirms the form as it did before.
  var box = document.getElementById('spelling');
  var form = document.getElementById('confirm-form');
  if (!box || !form) {
    return;
  }
  var fixes = box.querySelectorAll('button.spell-fix');
  fixes.forEach(function (b) {
    b.removeAttribute('form');
    b.type = 'button';
  });
  var all = document.getElementById('fix-all');
  if (all) {
    all.removeAttribute('form');
    all.type = 'button';
    all.addEventListener('click', function () {
      // Each flag's first fix, the last flag first (fixing one renumbers those after it).
      var items = Array.prototype.slice.call(box.querySelectorAll('.spell-item')).reverse();
      items.forEach(function (item) {
        var first = item.querySelector('button.spell-fix:not([disabled])');
        if (first) {
          fix(first);
        }
      });
    });
  }
  fixes.forEach(function (b) {
    b.addEventListener('click', function () {
      fix(b);
    });
  });

  function fix(button) {
    var target = button.getAttribute('data-target');
    var from = button.getAttribute('data-from');
    var to = button.getAttribute('data-to');
    var n = parseInt(button.getAttribute('data-occurrence'), 10);
    var item = button.closest('.spell-item');
    var status = item ? item.querySelector('.spell-done') : null;
    var field = form.elements.namedItem(target);
    var fixed = field && typeof field.value === 'string' ? replaceOccurrence(field.value, from, n, to) : null;
    if (fixed === null) {
      if (status) {
        status.textContent = box.getAttribute('data-gone');
      }
      return;
    }
    field.value = fixed;
    // The later occurrences of the same word in that field are now one fewer.
    box.querySelectorAll('button.spell-fix').forEach(function (b) {
      var k = parseInt(b.getAttribute('data-occurrence'), 10);
      if (b.getAttribute('data-target') === target && b.getAttribute('data-from') === from && k > n) {
        b.setAttribute('data-occurrence', String(k - 1));
        b.value = [target, k - 1, from, b.getAttribute('data-to')].join('|');
      }
    });
    if (item) {
      item.querySelectorAll('button.spell-fix').forEach(function (b) {
        b.disabled = true;
      });
      item.classList.add('spell-fixed');
    }
    if (status) {
      status.textContent = box.getAttribute('data-done') + ' «' + to + '»';
    }
  }
}());

// Every form: a body over the server's limit is not sent (the server would refuse it, and the
// page it answers has no box to keep the text in). The form stays as typed, and a message above
// it says the limit. Without the script the server's own refusal says the limit and to go Back.
(function () {
  'use strict';

  var limit = parseInt(document.body.getAttribute('data-form-limit'), 10);
  if (!(limit > 0)) {
    return;
  }
  var label = document.body.getAttribute('data-form-limit-label') || '';
  var vi = document.documentElement.lang !== 'en';

  // The length of a value as application/x-www-form-urlencoded sends it (lines end in CR LF).
  function encoded(s) {
    return encodeURIComponent(s.replace(/\r?\n/g, '\r\n')).replace(/%20/g, '+').length;
  }

  function size(form) {
    var n = 0;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === 'submit' || el.type === 'button' || el.type === 'file') {
        return;
      }
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) {
        return;
      }
      var values = el.tagName === 'SELECT'
        ? Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; })
        : [el.value];
      values.forEach(function (v) {
        n += encoded(el.name) + 1 + encoded(v) + 1;
      });
    });
    return n;
  }

  function megabytes(n) {
    var s = (n / 1048576).toFixed(1);
    return (vi ? s.replace('.', ',') : s) + ' MB';
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || (form.method || '').toLowerCase() !== 'post'
        || (form.enctype || '').indexOf('multipart') === 0) {
      return;
    }
    var n = size(form);
    if (n <= limit) {
      return;
    }
    ev.preventDefault();
    var id = (form.id || 'form') + '-too-large';
    var box = document.getElementById(id);
    if (!box) {
      box = document.createElement('div');
      box.id = id;
      box.className = 'error error-summary';
      box.setAttribute('role', 'alert');
      box.tabIndex = -1;
      form.parentNode.insertBefore(box, form);
    }
    box.textContent = vi
      ? 'Chưa gửi: nội dung quá lớn (' + megabytes(n) + '), tối đa ' + label
        + ' mỗi lần gửi. Nội dung vẫn còn trong ô; hãy chia văn bản thành nhiều phần rồi gửi từng phần.'
      : 'Not sent: the text is too large (' + megabytes(n) + '), at most ' + label
        + ' per submission. It is still in the box; split it and send it in parts.';
    box.focus();
  }, true);
}());

// Phones (issue 25): a wide table's rows become cards under app.css's media query; each cell
// carries its column's name (data-label) from the table's head, so a card still says what each
// value is. Without this script the cards come without the names, the head stays shown above them.
(function () {
  'use strict';
  document.querySelectorAll('table.grid').forEach(function (table) {
    var head = table.tHead;
    if (!head || !head.rows.length) {
      return;
    }
    var names = [];
    Array.prototype.forEach.call(head.rows[head.rows.length - 1].cells, function (cell) {
      for (var k = 0; k < (cell.colSpan || 1); k += 1) {
        names.push(cell.textContent.replace(/\s+/g, ' ').trim());
      }
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var name = names[col];
          if (name && cell.colSpan === 1 && !cell.hasAttribute('data-label')) {
            cell.setAttribute('data-label', name);
          }
          col += cell.colSpan || 1;
        });
      });
    });
    table.classList.add('labelled');
  });
}());

// Several units at once: a list of checkboxes with a search box in place of a multiple select
// (which asks for Ctrl on a computer and is cramped on a phone). The select stays in the form,
// hidden, and the checkboxes set its options: the form sends the same field as before.
(function () {
  'use strict';
  var en = document.documentElement.lang === 'en';
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
  }
  document.querySelectorAll('select[multiple]').forEach(function (select, n) {
    var box = document.createElement('div');
    box.className = 'pick';
    var search = document.createElement('input');
    search.type = 'search';
    search.className = 'pick-search';
    search.placeholder = en ? 'Find a unit…' : 'Tìm đơn vị…';
    search.setAttribute('aria-label', search.placeholder);
    search.autocomplete = 'off';
    var list = document.createElement('div');
    list.className = 'pick-list';
    list.setAttribute('role', 'group');
    var count = document.createElement('p');
    count.className = 'pick-count muted';
    count.setAttribute('aria-live', 'polite');
    var base = (select.id || select.name || 'pick') + '-' + n;
    var items = [];
    function update() {
      var k = Array.prototype.filter.call(select.options, function (o) { return o.selected; }).length;
      count.textContent = (en ? 'Chosen: ' : 'Đã chọn: ') + k;
    }
    Array.prototype.forEach.call(select.options, function (option, k) {
      var label = document.createElement('label');
      label.className = 'check pick-item';
      var box2 = document.createElement('input');
      box2.type = 'checkbox';
      box2.id = base + '-' + k;
      box2.value = option.value;
      box2.checked = option.selected;
      box2.addEventListener('change', function () {
        option.selected = box2.checked;
        update();
      });
      label.appendChild(box2);
      label.appendChild(document.createTextNode(' ' + option.textContent));
      list.appendChild(label);
      items.push({ label: label, text: fold(option.textContent) });
    });
    search.addEventListener('input', function () {
      var q = fold(search.value.trim());
      items.forEach(function (it) {
        it.label.hidden = q !== '' && it.text.indexOf(q) < 0;
      });
    });
    // Enter in the search box filters; it does not send the form.
    search.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') {
        e.preventDefault();
      }
    });
    if (select.options.length > 8) {
      box.appendChild(search);
    }
    box.appendChild(list);
    box.appendChild(count);
    update();
    select.hidden = true;
    select.classList.add('picked');
    // Outside the select's label: a label must not hold other labels.
    var holder = select.parentElement && select.parentElement.tagName === 'LABEL' ? select.parentElement : select;
    if (holder !== select) {
      holder.querySelectorAll('small.muted').forEach(function (help) {
        help.hidden = true;
      });
    }
    holder.parentNode.insertBefore(box, holder.nextSibling);
  });
}());
