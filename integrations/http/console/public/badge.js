// Pages without live content: no live badge.
(function () {
  'use strict';
  var badge = document.getElementById('live-badge');
  if (badge) badge.hidden = true;
})();
