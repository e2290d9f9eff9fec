// Comment and description bodies are Markdown. Rendered with raw HTML off (a body's <script> is shown as
// text), links limited to http(s) and mailto, and every link opened without handing over the console.
import MarkdownIt from 'markdown-it';

const SAFE_LINK = /^(https?:|mailto:)/i;

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });

// markdown-it already refuses javascript:, vbscript:, file: and most data: URLs; relative and other
// schemes (ftp:, tel:, custom app schemes) are refused too: a ticket comes from outside.
md.validateLink = (url) => SAFE_LINK.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  token.attrSet('rel', 'nofollow noopener noreferrer');
  token.attrSet('target', '_blank');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

// Images would load third-party URLs in an admin's browser: shown as links instead.
md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const src = String(token.attrGet('src') ?? '');
  const alt = md.utils.escapeHtml(String(token.content || src));
  return `<a href="${md.utils.escapeHtml(src)}" rel="nofollow noopener noreferrer" target="_blank">${alt}</a>`;
};

/** Safe HTML for a Markdown body. */
export function renderMarkdown(source: string): string {
  return md.render(source);
}
