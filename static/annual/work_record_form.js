// Work record form: hide the fields the chosen kind does not use (level, body, medium,
// amount). Without this script every field shows and the server clears the unused ones,
// so the form works the same; the script only shortens it.
(function () {
  "use strict";
  var form = document.getElementById("work-record-form");
  var data = document.getElementById("work-record-kind-fields");
  if (!form || !data) { return; }
  var kindFields = JSON.parse(data.textContent);
  var kind = form.querySelector("select[name=kind]");
  if (!kind) { return; }

  function update() {
    Object.keys(kindFields).forEach(function (name) {
      var wrapper = document.getElementById("field-" + name);
      if (wrapper) { wrapper.hidden = kindFields[name].indexOf(kind.value) === -1; }
    });
  }

  kind.addEventListener("change", update);
  update();
})();
