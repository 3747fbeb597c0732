// Applies the remembered colour theme before the first paint (no flash). Only the preference is
// kept in localStorage ("light" or "dark"); without one the page follows the system setting.
(function () {
  "use strict";
  try {
    var stored = window.localStorage.getItem("netmond.theme");
    if (stored === "light" || stored === "dark") {
      document.documentElement.setAttribute("data-theme", stored);
    }
  } catch (e) {
    // Storage disabled: follow the system preference.
  }
})();
