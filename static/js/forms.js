// What the pages ask for in data- attributes, since the Content-Security-Policy runs no inline
// handlers: a <select data-autosubmit> submits its form on change, a <form data-confirm="…">
// asks before it is sent.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.requestSubmit();
});
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
}, true);
