// "Select all" for the department's table: ticks every row still waiting (the agreed rows have no box).
(function () {
  'use strict';
  var all = document.getElementById('select-all');
  if (!all) { return; }
  all.addEventListener('change', function () {
    document.querySelectorAll('#desk input[name="rows"]').forEach(function (box) { box.checked = all.checked; });
  });
})();
