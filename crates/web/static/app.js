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
