"""Stand-ins for what a test machine's Chromium lacks: voices and a share sheet.

Each is a JavaScript function given to ``add_init_script``; it only records what the page asks of it.
"""

# A speechSynthesis that speaks nothing: it records each utterance, and an utterance "ends" only
# when the test calls __speech.finish(), so the test sees each step.
SPEECH_STUB = """(voices) => {
  const events = new EventTarget();
  const state = { spoken: [], current: null, paused: false, cancelled: 0, voices: voices };
  const asVoice = (v) => ({ lang: v.lang, name: v.name, voiceURI: v.name, localService: true });
  window.SpeechSynthesisUtterance = class {
    constructor(text) { Object.assign(this, { text, lang: '', voice: null, onend: null, onerror: null }); }
  };
  const synth = {
    getVoices: () => state.voices.map(asVoice),
    speak(u) {
      state.spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.name });
      state.current = u;
    },
    pause() { state.paused = true; },
    resume() { state.paused = false; },
    cancel() {
      state.cancelled += 1;
      const u = state.current; state.current = null;
      if (u && u.onerror) u.onerror({ error: 'interrupted' });
    },
    addEventListener: (...args) => events.addEventListener(...args),
    removeEventListener: (...args) => events.removeEventListener(...args),
  };
  state.finish = () => { const u = state.current; state.current = null; if (u && u.onend) u.onend({}); };
  state.addVoices = (more) => {
    state.voices = state.voices.concat(more);
    events.dispatchEvent(new Event('voiceschanged'));
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  window.__speech = state;
}"""

SHARE_STUB = """(allowed) => {
  window.__shared = [];
  navigator.canShare = (data) => allowed && Boolean(data && data.files && data.files.length);
  navigator.share = (data) => Promise.all(data.files.map((file) => file.text().then((text) => ({
    name: file.name, type: file.type, size: file.size, start: text.slice(0, 15) }))))
    .then((files) => { window.__shared.push(files); });
}"""
