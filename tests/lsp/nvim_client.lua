-- A second, independent LSP client for the end-to-end tests: headless Neovim (0.7+).
-- Opens RDB_FILE in the workspace RDB_ROOT with the server command RDB_CMD (JSON list),
-- waits for diagnostics, asks for the code actions of the first one, applies the first
-- action's edit to the buffer, and writes what it saw to RDB_OUT as JSON.
local root = os.getenv("RDB_ROOT")
local out = os.getenv("RDB_OUT")

local function finish(result)
  local handle = io.open(out, "w")
  handle:write(vim.fn.json_encode(result))
  handle:close()
  vim.cmd("qa!")
end

local client_id = vim.lsp.start_client({
  name = "replaydbg",
  cmd = vim.fn.json_decode(os.getenv("RDB_CMD")),
  root_dir = root,
})
vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("RDB_FILE")))
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)

local seen = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
local diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local lsp = (d.user_data or {}).lsp or {}
  table.insert(diagnostics, {
    lnum = d.lnum, col = d.col, end_col = d.end_col, message = d.message,
    source = d.source, code = d.code or lsp.code,
    related = lsp.relatedInformation and #lsp.relatedInformation or 0,
  })
end
if not seen then
  finish({ seen = false, diagnostics = diagnostics })
  return
end

local earliest = nil
for _, d in ipairs(vim.diagnostic.get(buf)) do
  if earliest == nil or d.lnum < earliest.lnum then earliest = d end
end
-- What Neovim's own code-action request sends: the line's diagnostics in LSP form.
local first = vim.lsp.diagnostic.get_line_diagnostics(buf, earliest.lnum)[1]
local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = first.range,
  context = { diagnostics = { first } },
}, 10000)
local titles = {}
for _, response in pairs(responses or {}) do
  for index, action in ipairs(response.result or {}) do
    table.insert(titles, action.title)
    if index == 1 then
      vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
    end
  end
end
finish({
  seen = true, diagnostics = diagnostics, titles = titles,
  text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n"),
})
