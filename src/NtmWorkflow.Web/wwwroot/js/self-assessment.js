// Saves an indicator's row as soon as the official changes it, so nothing typed is lost on a slow or
// dropped connection; without scripts each row's button does the same.
(function () {
  var table = document.getElementById('assessment');
  if (!table || !window.fetch) { return; }
  var saved = table.dataset.saved || 'Đã lưu';
  table.addEventListener('change', function (event) {
    var field = event.target;
    var form = field.form;
    if (!form || form.classList.contains('evidence-upload')) { return; }
    var state = form.querySelector('.save-state');
    state.textContent = '…';
    fetch(form.action, { method: 'POST', body: new FormData(form), headers: { 'X-Requested-With': 'fetch' }, credentials: 'same-origin' })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        var row = form.closest('tr');
        state.textContent = answer.ok ? saved : answer.error;
        state.className = 'save-state ' + (answer.ok ? 'ok' : 'error');
        if (answer.ok) {
          row.classList.toggle('met', answer.met === true);
          row.classList.toggle('unmet', answer.met === false);
        }
      })
      .catch(function () { state.textContent = '⚠'; state.className = 'save-state error'; });
  });
})();
