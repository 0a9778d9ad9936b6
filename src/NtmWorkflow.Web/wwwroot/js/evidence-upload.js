// Sends evidence files in parts, so that a dropped provincial line costs one part, not the whole file: the upload's
// id is kept in the browser, and choosing the same file again (even after a reload) continues where it stopped.
// Without scripts, each row's form sends the file whole.
(function () {
  'use strict';
  var table = document.getElementById('assessment');
  if (!table || !window.fetch || !window.localStorage || !window.Blob) { return; }
  var base = table.dataset.uploads;

  function storageKey(indicator, file) {
    return 'ntm-upload:' + base + ':' + indicator + ':' + file.name + ':' + file.size + ':' + file.lastModified;
  }

  function call(form, method, url, body, contentType) {
    var headers = { 'RequestVerificationToken': form.querySelector('input[name="__RequestVerificationToken"]').value };
    if (contentType) { headers['Content-Type'] = contentType; }
    return fetch(url, { method: method, body: body, headers: headers, credentials: 'same-origin' }).then(function (response) {
      return response.text().then(function (text) {
        var answer = text ? JSON.parse(text) : {};
        if (!response.ok) {
          var error = new Error(answer.detail || answer.title || response.statusText);
          error.status = response.status;
          throw error;
        }
        return answer;
      });
    });
  }

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // The browser's SHA-256 lets the server prove the file arrived intact; plain-http intranets lack crypto.subtle.
  async function digest(file) {
    if (!window.crypto || !window.crypto.subtle) { return null; }
    var hash = await window.crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    return Array.prototype.map.call(new Uint8Array(hash), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  async function upload(form, file) {
    var indicator = form.dataset.indicator;
    var key = storageKey(indicator, file);
    var status = form.querySelector('.upload-state');
    var progress = form.querySelector('progress');
    var state = null;
    var known = localStorage.getItem(key);
    if (known) {
      try { state = await call(form, 'GET', base + '/uploads/' + known); } catch (e) { localStorage.removeItem(key); state = null; }
    }
    if (state && state.received > 0) {
      form.dataset.resumedFrom = state.received;
      status.textContent = table.dataset.uploadResumed.replace('{0}', Math.floor(100 * state.received / state.length));
    }
    if (!state) {
      status.textContent = '…';
      state = await call(form, 'POST', base + '/uploads',
        JSON.stringify({ indicatorNumber: indicator, fileName: file.name, length: file.size, sha256: await digest(file) }), 'application/json');
      localStorage.setItem(key, state.uploadId);
    }
    progress.hidden = false;
    var failures = 0;
    while (state.received < state.length) {
      progress.value = Math.floor(100 * state.received / state.length);
      var end = Math.min(state.length, state.received + state.chunkBytes);
      try {
        state = await call(form, 'PUT', base + '/uploads/' + state.uploadId + '/parts/' + state.received, file.slice(state.received, end), 'application/octet-stream');
        failures = 0;
      } catch (e) {
        if (e.status === 409) { state = await call(form, 'GET', base + '/uploads/' + state.uploadId); continue; }
        if (e.status && e.status < 500) { localStorage.removeItem(key); throw e; }
        if (++failures > 5) { status.textContent = table.dataset.uploadPaused; status.className = 'upload-state error'; return; }
        await wait(1000 * failures);
      }
    }
    progress.value = 100;
    var document = await call(form, 'POST', base + '/uploads/' + state.uploadId + '/complete');
    localStorage.removeItem(key);
    var item = window.document.createElement('li');
    var link = window.document.createElement('a');
    link.href = base + '/' + document.id;
    link.target = '_blank';
    link.rel = 'noopener';
    link.textContent = document.fileName;
    item.appendChild(link);
    if (document.version > 1) { item.appendChild(window.document.createTextNode(' (v' + document.version + ')')); }
    form.parentNode.querySelector('.documents').appendChild(item);
    form.querySelector('input[type="file"]').value = '';
    progress.hidden = true;
    status.textContent = table.dataset.uploadDone;
    status.className = 'upload-state ok';
  }

  table.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.classList.contains('evidence-upload')) { return; }
    event.preventDefault();
    var file = form.querySelector('input[type="file"]').files[0];
    if (!file) { return; }
    var status = form.querySelector('.upload-state');
    status.className = 'upload-state';
    upload(form, file).catch(function (e) { status.textContent = e.message; status.className = 'upload-state error'; });
  });

  // Choosing a file starts its upload: one action for the official, as with the values that save as typed.
  table.addEventListener('change', function (event) {
    var input = event.target;
    if (input.type === 'file' && input.form && input.form.classList.contains('evidence-upload') && input.files.length) {
      input.form.requestSubmit();
    }
  });
})();
