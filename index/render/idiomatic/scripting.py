"""Ruby (net/http), PHP (ext-curl) and shell (curl)."""

from __future__ import annotations

from ..strings import PHP_SINGLE, RUBY_SINGLE, shell_word
from .model import IdiomaticRequest, Snippet


def ruby_net_http(req: IdiomaticRequest) -> Snippet:
    imports = ["require 'net/http'", "require 'uri'"]
    method = req.method.upper()
    cls = method[0] + method[1:].lower()
    lines = [f"uri = URI({RUBY_SINGLE.literal(req.url_with_query)})"]
    if method in {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"}:
        lines.append(f"request = Net::HTTP::{cls}.new(uri)")
    else:
        lines.append(
            f"request = Net::HTTPGenericRequest.new({RUBY_SINGLE.literal(method)}, "
            f"{'true' if req.body_text is not None else 'false'}, true, uri)"
        )
    cred = req.credential
    if cred is not None:
        if cred.kind == "basic":
            lines.append(
                f"request.basic_auth(ENV.fetch('{cred.env_var}'), ENV.fetch('{cred.password_env_var}'))"
            )
        elif cred.kind == "bearer":
            lines.append(f"request['Authorization'] = \"Bearer #{{ENV.fetch('{cred.env_var}')}}\"")
        else:
            lines.append(
                f"request[{RUBY_SINGLE.literal(cred.header)}] = ENV.fetch('{cred.env_var}')"
            )
    for name, value in req.headers:
        lines.append(f"request[{RUBY_SINGLE.literal(name)}] = {RUBY_SINGLE.literal(value)}")
    if req.body_text is not None:
        lines.append(f"request.body = {RUBY_SINGLE.literal(req.body_text)}")
    lines += [
        "response = Net::HTTP.start(uri.hostname, uri.port, use_ssl: uri.scheme == 'https') do |http|",
        "  http.request(request)",
        "end",
        "puts response.code, response.body",
    ]
    return Snippet(imports, "\n".join(lines))


def php_curl_env(req: IdiomaticRequest) -> Snippet:
    headers = [f"        {PHP_SINGLE.literal(f'{n}: {v}')}," for n, v in req.headers]
    cred = req.credential
    extra = []
    if cred is not None:
        if cred.kind == "basic":
            extra.append(
                f"    CURLOPT_USERPWD => getenv('{cred.env_var}') . ':' . getenv('{cred.password_env_var}'),"
            )
        elif cred.kind == "bearer":
            headers.insert(0, f"        'Authorization: Bearer ' . getenv('{cred.env_var}'),")
        else:
            headers.insert(
                0, f"        {PHP_SINGLE.literal(cred.header + ': ')} . getenv('{cred.env_var}'),"
            )
    lines = [
        "$curl = curl_init();",
        "curl_setopt_array($curl, [",
        f"    CURLOPT_URL => {PHP_SINGLE.literal(req.url_with_query)},",
        "    CURLOPT_RETURNTRANSFER => true,",
        f"    CURLOPT_CUSTOMREQUEST => {PHP_SINGLE.literal(req.method)},",
        *extra,
    ]
    if headers:
        lines += ["    CURLOPT_HTTPHEADER => [", *headers, "    ],"]
    if req.body_text is not None:
        lines.append(f"    CURLOPT_POSTFIELDS => {PHP_SINGLE.literal(req.body_text)},")
    lines += [
        "]);",
        "$response = curl_exec($curl);",
        "if ($response === false) {",
        "    throw new RuntimeException(curl_error($curl));",
        "}",
        "curl_close($curl);",
        "echo $response;",
    ]
    return Snippet([], "\n".join(lines))


def shell_curl_env(req: IdiomaticRequest) -> Snippet:
    parts = [f"curl --request {req.method}", f"--url {shell_word(req.url_with_query)}"]
    cred = req.credential
    if cred is not None:
        if cred.kind == "basic":
            parts.append(f'--user "${{{cred.env_var}}}:${{{cred.password_env_var}}}"')
        elif cred.kind == "bearer":
            parts.append(f'--header "Authorization: Bearer ${{{cred.env_var}}}"')
        else:
            parts.append(f'--header {shell_word(cred.header + ": ")}"${{{cred.env_var}}}"')
    multipart = req.body_mime == "multipart/form-data"
    for name, value in req.headers:
        if multipart and name == "Content-Type":
            continue
        parts.append(f"--header {shell_word(f'{name}: {value}')}")
    if multipart:
        parts += [f"--form {shell_word(f'{n}={v}')}" for n, v in req.form_fields]
    elif req.body_text is not None:
        parts.append(f"--data {shell_word(req.body_text)}")
    return Snippet([], " \\\n  ".join(parts))
