// The phone upload page (docs/devices.md "Photos from a phone"). Each photo is decoded,
// downscaled in a canvas to at most 1600 px on its longer side and re-encoded as JPEG
// (which also drops its metadata), sealed with crypto_box_seal to the kiosk's one-time
// public key, and sent with XMLHttpRequest (upload progress). ES5 only and no fetch:
// it has to run on an old Android browser; libsodium-wrappers gives window.sodium.
(function () {
  'use strict';

  var MAX_SIDE = 1600;
  var QUALITY = 0.85;

  var app = document.getElementById('app');
  var pick = document.getElementById('pick');
  var list = document.getElementById('files');
  var left = document.getElementById('left');
  var message = document.getElementById('message');
  var doneButton = document.getElementById('done');
  var expiry = document.getElementById('expiry');
  var keyText = app.getAttribute('data-key');
  var remaining = parseInt(app.getAttribute('data-remaining'), 10) || 0;
  var expiresAt = new Date().getTime() + (parseInt(app.getAttribute('data-expires-in'), 10) || 0) * 1000;
  // The page's own path is /m/<token>: the token never has to be written anywhere else.
  var base = window.location.pathname.replace(/\/+$/, '');

  var queue = [];      // items waiting to be processed and sent
  var busy = false;    // an item is being processed or sent
  var accepted = 0;    // items taken but not yet sent (they count against remaining)
  var counter = 0;
  var unsent = 0;      // items that failed and wait for 重试
  var ended = false;   // done, or the link is gone

  function setText(el, text) { el.textContent = text; }

  function say(text) {
    setText(message, text);
    message.hidden = !text;
  }

  function showLeft() {
    var free = remaining - accepted;
    if (free > 0) {
      setText(left, '还可以传 ' + free + ' 张照片');
    } else if (unsent > 0) {
      setText(left, '还有照片没传好，请点“重试”');
    } else {
      setText(left, '照片已经够了，请点“完成”');
    }
    pick.disabled = free <= 0;
    document.getElementById('pick-label').className = free > 0 ? 'big-button' : 'big-button disabled';
  }

  function showExpiry() {
    if (ended) return;
    var seconds = Math.round((expiresAt - new Date().getTime()) / 1000);
    if (seconds <= 0) {
      gone();
      return;
    }
    var minutes = Math.ceil(seconds / 60);
    setText(expiry, '这个链接 ' + minutes + ' 分钟内有效。');
  }

  function gone() {
    ended = true;
    document.getElementById('controls').hidden = true;
    document.getElementById('gone').hidden = false;
  }

  function finished() {
    ended = true;
    document.getElementById('controls').hidden = true;
    document.getElementById('finished').hidden = false;
  }

  // One row per photo: its name, a progress bar and what is happening to it.
  function addRow(name) {
    counter += 1;
    var li = document.createElement('li');
    li.className = 'file';
    var title = document.createElement('div');
    title.className = 'file-name';
    setText(title, '照片 ' + counter);
    var bar = document.createElement('div');
    bar.className = 'bar';
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-valuenow', '0');
    bar.setAttribute('aria-label', '照片 ' + counter + ' 上传进度');
    var fill = document.createElement('div');
    fill.className = 'bar-fill';
    bar.appendChild(fill);
    var state = document.createElement('div');
    state.className = 'file-state';
    li.appendChild(title);
    li.appendChild(bar);
    li.appendChild(state);
    list.appendChild(li);
    return { li: li, bar: bar, fill: fill, state: state, name: name, sealed: null, file: null };
  }

  function progress(item, percent, text) {
    var p = Math.max(0, Math.min(100, Math.round(percent)));
    item.fill.style.width = p + '%';
    item.bar.setAttribute('aria-valuenow', String(p));
    item.li.setAttribute('data-progress', String(p));
    if (text) setText(item.state, text);
  }

  function isImage(file) {
    if (file.type) return /^image\//.test(file.type);
    return /\.(jpe?g|png|gif|webp|heic|heif|bmp)$/i.test(file.name || '');
  }

  function loadImage(file, callback) {
    var img = new Image();
    var url = null;
    img.onload = function () {
      if (url) URL.revokeObjectURL(url);
      callback(null, img);
    };
    img.onerror = function () {
      if (url) URL.revokeObjectURL(url);
      callback(new Error('decode'));
    };
    if (window.URL && URL.createObjectURL) {
      url = URL.createObjectURL(file);
      img.src = url;
    } else {
      var reader = new FileReader();
      reader.onload = function () { img.src = reader.result; };
      reader.onerror = function () { callback(new Error('read')); };
      reader.readAsDataURL(file);
    }
  }

  function bytesOfDataUrl(dataUrl) {
    var binary = atob(dataUrl.substring(dataUrl.indexOf(',') + 1));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // The photo as a JPEG of at most MAX_SIDE px on its longer side.
  function reencode(img, callback) {
    var w = img.naturalWidth || img.width;
    var h = img.naturalHeight || img.height;
    if (!w || !h) {
      callback(new Error('empty'));
      return;
    }
    var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
    var canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(w * scale));
    canvas.height = Math.max(1, Math.round(h * scale));
    var context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(img, 0, 0, canvas.width, canvas.height);
    if (canvas.toBlob) {
      canvas.toBlob(function (blob) {
        if (!blob) {
          callback(new Error('encode'));
          return;
        }
        var reader = new FileReader();
        reader.onload = function () { callback(null, new Uint8Array(reader.result)); };
        reader.onerror = function () { callback(new Error('encode')); };
        reader.readAsArrayBuffer(blob);
      }, 'image/jpeg', QUALITY);
    } else {
      callback(null, bytesOfDataUrl(canvas.toDataURL('image/jpeg', QUALITY)));
    }
  }

  function withSodium(callback) {
    if (!window.sodium || !window.sodium.ready) {
      callback(new Error('sodium'));
      return;
    }
    window.sodium.ready.then(function () { callback(null, window.sodium); },
                             function (e) { callback(e || new Error('sodium')); });
  }

  function seal(jpeg, callback) {
    withSodium(function (err, sodium) {
      if (err) {
        callback(err);
        return;
      }
      try {
        var key = sodium.from_base64(keyText, sodium.base64_variants.ORIGINAL);
        callback(null, sodium.crypto_box_seal(jpeg, key));
      } catch (e) {
        callback(e);
      }
    });
  }

  function retryButton(item) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'big-button small';
    setText(button, '重试');
    button.onclick = function () {
      unsent -= 1;
      showLeft();
      item.li.removeChild(button);
      item.li.className = 'file';
      queue.unshift(item);
      pump();
    };
    item.li.appendChild(button);
  }

  function failed(item, text, canRetry) {
    item.li.className = 'file failed';
    progress(item, 0, text);
    if (canRetry) {
      unsent += 1;
      showLeft();
      retryButton(item);
    } else {
      accepted -= 1;
      showLeft();
    }
    busy = false;
    pump();
  }

  function send(item) {
    var xhr = new XMLHttpRequest();
    xhr.open('POST', base + '/files', true);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.timeout = 300000;
    if (xhr.upload) {
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable && e.total > 0) {
          progress(item, (e.loaded / e.total) * 99, '正在上传 ' + Math.round((e.loaded / e.total) * 100) + '%');
        }
      };
    }
    xhr.onload = function () {
      var reply = {};
      try { reply = JSON.parse(xhr.responseText); } catch (e) { reply = {}; }
      if (xhr.status === 201) {
        item.sealed = null;
        item.li.className = 'file ok';
        progress(item, 100, '已传好');
        accepted -= 1;
        remaining = typeof reply.remaining === 'number' ? reply.remaining : remaining - 1;
        showLeft();
        busy = false;
        pump();
      } else if (xhr.status === 410) {
        busy = false;
        gone();
      } else if (xhr.status === 409) {
        remaining = 0;
        failed(item, '这个链接已经收满照片了，这张没有传。', false);
      } else if (xhr.status === 413) {
        failed(item, '这张照片太大，没有传。', false);
      } else if (xhr.status === 429) {
        failed(item, '这个网络传得太频繁了，请过几分钟再点“重试”。', true);
      } else {
        failed(item, '没有传成功，请点“重试”。', true);
      }
    };
    xhr.onerror = function () { failed(item, '网络断了，请检查网络后点“重试”。', true); };
    xhr.ontimeout = xhr.onerror;
    progress(item, 0, '正在上传 0%');
    xhr.send(item.sealed);
  }

  function process(item) {
    if (item.sealed) {
      send(item);
      return;
    }
    progress(item, 0, '正在处理…');
    loadImage(item.file, function (err, img) {
      if (err) {
        refuse(item);
        return;
      }
      reencode(img, function (err2, jpeg) {
        if (err2) {
          refuse(item);
          return;
        }
        seal(jpeg, function (err3, sealed) {
          if (err3) {
            failed(item, '加密没有成功，请刷新页面再试。', false);
            return;
          }
          item.file = null;
          item.sealed = sealed;
          send(item);
        });
      });
    });
  }

  function refuse(item) {
    failed(item, '这不是照片，没有传。', false);
    say('“' + item.name + '”不是照片，没有传。其他照片照常上传。');
  }

  function pump() {
    if (busy || ended || queue.length === 0) return;
    busy = true;
    process(queue.shift());
  }

  pick.onchange = function () {
    var files = pick.files;
    var refused = [];
    var skipped = 0;
    say('');
    for (var i = 0; i < files.length; i += 1) {
      var file = files[i];
      if (!isImage(file)) {
        refused.push(file.name);
        continue;
      }
      if (remaining - accepted <= 0) {
        skipped += 1;
        continue;
      }
      var item = addRow(file.name);
      item.file = file;
      accepted += 1;
      queue.push(item);
    }
    var notes = [];
    if (refused.length) notes.push('“' + refused.join('”、“') + '”不是照片，没有传。请选照片。');
    if (skipped) notes.push('最多只能再传 ' + remaining + ' 张，多选的 ' + skipped + ' 张没有传。');
    say(notes.join(''));
    pick.value = '';
    showLeft();
    pump();
  };

  doneButton.onclick = function () {
    if (busy || queue.length) {
      say('还有照片在上传，请等它们传好再点“完成”。');
      return;
    }
    if (unsent > 0) {
      say('有照片还没传好，请先点“重试”。');
      return;
    }
    doneButton.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', base + '/done', true);
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.onload = function () {
      doneButton.disabled = false;
      if (xhr.status === 200) {
        finished();
      } else if (xhr.status === 410) {
        gone();
      } else {
        say('没有联系上，请再点一次“完成”。');
      }
    };
    xhr.onerror = function () {
      doneButton.disabled = false;
      say('网络断了，请检查网络后再点一次“完成”。');
    };
    xhr.send('{}');
  };

  showLeft();
  showExpiry();
  setInterval(showExpiry, 15000);
  // Start libsodium's set-up now, so the first photo does not wait for it.
  withSodium(function (err) {
    if (err) say('页面没有加载完整，请刷新再试。');
  });
}());
