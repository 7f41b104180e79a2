// Progressive enhancement only: every page works without this file.
// Photos zoom in place on click (Enter on the focused link does the same); without
// script the link opens the photo itself.
document.addEventListener('click', function (event) {
  var img = event.target.closest ? event.target.closest('img.photo') : null;
  if (!img) return;
  event.preventDefault();
  img.classList.toggle('zoomed');
});
// Bulk "apply to everything matching" asks once, since it may touch 200 applications.
document.addEventListener('submit', function (event) {
  var button = event.submitter;
  if (button && button.name === 'scope' && button.value === 'filtered') {
    var lang = document.documentElement.lang;
    var ask = lang === 'en' ? 'Apply to every matching application?' : '确定对全部符合条件的申请执行此操作吗？';
    if (!window.confirm(ask)) event.preventDefault();
  }
});
// The catalog page's file picker reads the chosen file into the textarea it names;
// without script, the JSON is pasted into the textarea.
document.addEventListener('change', function (event) {
  var input = event.target;
  if (!input.dataset || !input.dataset.fills || !input.files || !input.files[0]) return;
  var reader = new FileReader();
  reader.onload = function () { document.getElementById(input.dataset.fills).value = reader.result; };
  reader.readAsText(input.files[0]);
});
