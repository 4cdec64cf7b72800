"""C (libcurl), C# (HttpClient), Rust (reqwest) and Swift (URLSession)."""

from __future__ import annotations

from ..strings import CSHARP, RUST, SWIFT, C
from .model import IdiomaticRequest, Snippet


def c_libcurl_env(req: IdiomaticRequest) -> Snippet:
    imports = ["#include <stdio.h>", "#include <stdlib.h>", "#include <curl/curl.h>"]
    lines = [
        "CURL *curl = curl_easy_init();",
        "if (curl) {",
        "    struct curl_slist *headers = NULL;",
    ]
    cred = req.credential
    if cred is not None:
        if cred.kind == "basic":
            lines += [
                f'    curl_easy_setopt(curl, CURLOPT_USERNAME, getenv("{cred.env_var}"));',
                f'    curl_easy_setopt(curl, CURLOPT_PASSWORD, getenv("{cred.password_env_var}"));',
            ]
        else:
            prefix = "Authorization: Bearer " if cred.kind == "bearer" else f"{cred.header}: "
            lines += [
                f'    const char *credential = getenv("{cred.env_var}");',
                "    char auth_header[1024];",
                # The spec's header name is an argument, never part of the format string.
                '    snprintf(auth_header, sizeof auth_header, "%s%s", '
                f'{C.literal(prefix)}, credential ? credential : "");',
                "    headers = curl_slist_append(headers, auth_header);",
            ]
    for name, value in req.headers:
        lines.append(f"    headers = curl_slist_append(headers, {C.literal(f'{name}: {value}')});")
    lines += [
        f"    curl_easy_setopt(curl, CURLOPT_URL, {C.literal(req.url_with_query)});",
        f"    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, {C.literal(req.method)});",
        "    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);",
    ]
    if req.body_text is not None:
        lines.append(f"    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, {C.literal(req.body_text)});")
    lines += [
        "    CURLcode result = curl_easy_perform(curl);",
        "    if (result != CURLE_OK) {",
        '        fprintf(stderr, "request failed: %s\\n", curl_easy_strerror(result));',
        "    }",
        "    curl_slist_free_all(headers);",
        "    curl_easy_cleanup(curl);",
        "}",
    ]
    return Snippet(imports, "\n".join(lines))


def csharp_http_client(req: IdiomaticRequest) -> Snippet:
    imports = ["using System;", "using System.Net.Http;"]
    lines = [
        "using var client = new HttpClient();",
        f"using var request = new HttpRequestMessage(new HttpMethod({CSHARP.literal(req.method)}), "
        f"{CSHARP.literal(req.url_with_query)});",
    ]
    cred = req.credential
    if cred is not None:
        if cred.kind == "basic":
            imports.append("using System.Text;")
            lines.append(
                'request.Headers.TryAddWithoutValidation("Authorization", "Basic " + '
                "Convert.ToBase64String(Encoding.UTF8.GetBytes("
                f'Environment.GetEnvironmentVariable("{cred.env_var}") + ":" + '
                f'Environment.GetEnvironmentVariable("{cred.password_env_var}"))));'
            )
        elif cred.kind == "bearer":
            lines.append(
                'request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + '
                f'Environment.GetEnvironmentVariable("{cred.env_var}"));'
            )
        else:
            lines.append(
                f"request.Headers.TryAddWithoutValidation({CSHARP.literal(cred.header)}, "
                f'Environment.GetEnvironmentVariable("{cred.env_var}"));'
            )
    content_type = None
    for name, value in req.headers:
        if name == "Content-Type":
            content_type = value
            continue
        lines.append(
            f"request.Headers.TryAddWithoutValidation({CSHARP.literal(name)}, {CSHARP.literal(value)});"
        )
    if req.body_text is not None:
        lines.append(f"request.Content = new StringContent({CSHARP.literal(req.body_text)});")
        if content_type:
            lines.append(
                "request.Content.Headers.ContentType = "
                f"System.Net.Http.Headers.MediaTypeHeaderValue.Parse({CSHARP.literal(content_type)});"
            )
    lines += [
        "using var response = await client.SendAsync(request);",
        "Console.WriteLine(await response.Content.ReadAsStringAsync());",
    ]
    return Snippet(imports, "\n".join(lines))


def rust_reqwest(req: IdiomaticRequest) -> Snippet:
    lines = [
        "let client = reqwest::blocking::Client::new();",
        "let response = client",
        f"    .request(reqwest::Method::from_bytes(b{RUST.literal(req.method)})?, "
        f"{RUST.literal(req.url_with_query)})",
    ]
    cred = req.credential
    if cred is not None:
        if cred.kind == "basic":
            lines.append(
                f'    .basic_auth(std::env::var("{cred.env_var}")?, '
                f'Some(std::env::var("{cred.password_env_var}")?))'
            )
        elif cred.kind == "bearer":
            lines.append(f'    .bearer_auth(std::env::var("{cred.env_var}")?)')
        else:
            lines.append(
                f'    .header({RUST.literal(cred.header)}, std::env::var("{cred.env_var}")?)'
            )
    for name, value in req.headers:
        lines.append(f"    .header({RUST.literal(name)}, {RUST.literal(value)})")
    if req.body_text is not None:
        lines.append(f"    .body({RUST.literal(req.body_text)})")
    lines += ["    .send()?;", 'println!("{} {}", response.status(), response.text()?);']
    return Snippet([], "\n".join(lines))


def swift_urlsession(req: IdiomaticRequest) -> Snippet:
    lines = [
        f"var request = URLRequest(url: URL(string: {SWIFT.literal(req.url_with_query)})!)",
        f"request.httpMethod = {SWIFT.literal(req.method)}",
    ]
    cred = req.credential
    if cred is not None:
        env = "ProcessInfo.processInfo.environment"
        if cred.kind == "basic":
            lines.append(
                f'let basic = "\\({env}["{cred.env_var}"] ?? ""):\\({env}["{cred.password_env_var}"] ?? "")"'
            )
            lines.append(
                'request.setValue("Basic " + Data(basic.utf8).base64EncodedString(), '
                'forHTTPHeaderField: "Authorization")'
            )
        elif cred.kind == "bearer":
            lines.append(
                f'request.setValue("Bearer " + ({env}["{cred.env_var}"] ?? ""), '
                'forHTTPHeaderField: "Authorization")'
            )
        else:
            lines.append(
                f'request.setValue({env}["{cred.env_var}"] ?? "", '
                f"forHTTPHeaderField: {SWIFT.literal(cred.header)})"
            )
    for name, value in req.headers:
        lines.append(
            f"request.setValue({SWIFT.literal(value)}, forHTTPHeaderField: {SWIFT.literal(name)})"
        )
    if req.body_text is not None:
        lines.append(f"request.httpBody = Data({SWIFT.literal(req.body_text)}.utf8)")
    lines += [
        "let (data, response) = try await URLSession.shared.data(for: request)",
        "print(response, String(decoding: data, as: UTF8.self))",
    ]
    return Snippet(["import Foundation"], "\n".join(lines))
