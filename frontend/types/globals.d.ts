// What /config.js (frontend/serve.py) and Wagtail's userbar put on `window`.
interface Window {
  API_URL?: string;
  ADMIN_URL?: string;
  wagtail?: { userbar?: unknown };
}
