-- apicall for Neovim: starts `apicall serve` for the supported filetypes.
-- Neovim 0.8+ uses vim.lsp.start; 0.7 uses vim.lsp.start_client and buf_attach_client.
local M = {}

M.defaults = {
  cmd = { "apicall", "serve" },
  filetypes = {
    "python", "javascript", "typescript", "javascriptreact", "typescriptreact", "go", "java",
    "ruby", "php", "swift", "c", "sh", "bash", "zsh", "cs", "kotlin", "rust",
  },
  -- Sent as initializationOptions and as the "apicall" workspace settings.
  settings = {},
  -- Suggested mapping for code actions on a comment; false to skip.
  keymap = "<leader>ac",
}

M.config = vim.deepcopy(M.defaults)
M.client_id = nil

-- Neovim's filetype names that differ from LSP language ids.
local language_ids = { sh = "shellscript", bash = "shellscript", zsh = "shellscript", cs = "csharp" }

local function client_config()
  return {
    name = "apicall",
    cmd = M.config.cmd,
    root_dir = vim.fn.getcwd(),
    init_options = M.config.settings,
    settings = { apicall = M.config.settings },
    get_language_id = function(_, filetype)
      return language_ids[filetype] or filetype
    end,
    on_init = function(client)
      client.notify("workspace/didChangeConfiguration", { settings = { apicall = M.config.settings } })
    end,
  }
end

function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if vim.lsp.start then
    M.client_id = vim.lsp.start(client_config(), { bufnr = bufnr })
  else
    if M.client_id == nil or vim.lsp.get_client_by_id(M.client_id) == nil then
      M.client_id = vim.lsp.start_client(client_config())
    end
    vim.lsp.buf_attach_client(bufnr, M.client_id)
  end
  if M.config.keymap then
    vim.api.nvim_buf_set_keymap(bufnr, "n", M.config.keymap, "<cmd>lua vim.lsp.buf.code_action()<CR>",
      { noremap = true, silent = true, desc = "apicall: insert API call" })
  end
end

function M.client()
  return M.client_id and vim.lsp.get_client_by_id(M.client_id) or nil
end

local function execute(command)
  local client = M.client()
  if not client then
    vim.notify("apicall is not running in this buffer", vim.log.levels.WARN)
    return nil
  end
  local response = client.request_sync("workspace/executeCommand", { command = command, arguments = {} }, 600000)
  return response and response.result
end

-- Insert the call of the n-th code action for the comment under the cursor, synchronously.
function M.insert_call(n, timeout_ms)
  n = n or 1
  timeout_ms = timeout_ms or 60000
  local client = M.client()
  if not client then
    return false, "apicall is not attached"
  end
  local bufnr = vim.api.nvim_get_current_buf()
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local position = { line = row - 1, character = col }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = position, ["end"] = position },
    context = { diagnostics = {} },
  }
  local response = client.request_sync("textDocument/codeAction", params, timeout_ms, bufnr)
  local actions = response and response.result or {}
  local action = actions[n]
  if not action then
    return false, "no API call for this line"
  end
  if not action.edit then
    local resolved = client.request_sync("codeAction/resolve", action, timeout_ms, bufnr)
    action = resolved and resolved.result or action
  end
  if not action.edit then
    return false, "the server gave no edit"
  end
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or "utf-16")
  return true, action.title
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  local group = vim.api.nvim_create_augroup("apicall", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  vim.api.nvim_create_user_command("ApicallIndex", function()
    local result = execute("apicall.server.indexWorkspace")
    if result then
      vim.notify(string.format("apicall: %d specs, %d operations", result.specs, result.operations))
    end
  end, { desc = "apicall: index the OpenAPI files of the workspace" })
  vim.api.nvim_create_user_command("ApicallStatus", function()
    local result = execute("apicall.server.status")
    if result then
      vim.notify(string.format("apicall: %d operations indexed, model %s", result.operations, result.model))
    end
  end, { desc = "apicall: show the index and model state" })
  vim.api.nvim_create_user_command("ApicallInsert", function(command)
    local ok, message = M.insert_call(tonumber(command.args) or 1)
    vim.notify("apicall: " .. tostring(message), ok and vim.log.levels.INFO or vim.log.levels.WARN)
  end, { nargs = "?", desc = "apicall: insert the API call for the comment under the cursor" })
  -- Buffers already open when setup() runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
