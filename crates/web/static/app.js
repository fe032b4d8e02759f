// Small enhancements only; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // Ask before disabling an account or resetting a password.
  document.querySelectorAll('form[action$="/active"], form[action$="/password"]').forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm("确定要执行此操作吗？")) e.preventDefault();
    });
  });
});
