"""Java with java.net.http and Kotlin with OkHttp."""

from __future__ import annotations

from ..strings import JAVA, KOTLIN
from .model import IdiomaticRequest, Snippet


def java_http_client(req: IdiomaticRequest) -> Snippet:
    imports = [
        "import java.net.URI;",
        "import java.net.http.HttpClient;",
        "import java.net.http.HttpRequest;",
        "import java.net.http.HttpResponse;",
    ]
    lines = [
        "HttpClient client = HttpClient.newHttpClient();",
        "HttpRequest request = HttpRequest.newBuilder()",
        f"    .uri(URI.create({JAVA.literal(req.url_with_query)}))",
    ]
    cred = req.credential
    if cred is not None:
        if cred.kind == "basic":
            imports += ["import java.nio.charset.StandardCharsets;", "import java.util.Base64;"]
            lines.append(
                '    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(('
                f'System.getenv("{cred.env_var}") + ":" + System.getenv("{cred.password_env_var}"))'
                ".getBytes(StandardCharsets.UTF_8)))"
            )
        elif cred.kind == "bearer":
            lines.append(
                f'    .header("Authorization", "Bearer " + System.getenv("{cred.env_var}"))'
            )
        else:
            lines.append(
                f'    .header({JAVA.literal(cred.header)}, System.getenv("{cred.env_var}"))'
            )
    for name, value in req.headers:
        lines.append(f"    .header({JAVA.literal(name)}, {JAVA.literal(value)})")
    if req.body_text is not None:
        publisher = f"HttpRequest.BodyPublishers.ofString({JAVA.literal(req.body_text)})"
    else:
        publisher = "HttpRequest.BodyPublishers.noBody()"
    lines.append(f"    .method({JAVA.literal(req.method)}, {publisher})")
    lines.append("    .build();")
    lines.append(
        "HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());"
    )
    lines.append('System.out.println(response.statusCode() + " " + response.body());')
    return Snippet(imports, "\n".join(lines))


def kotlin_okhttp(req: IdiomaticRequest) -> Snippet:
    imports = ["import okhttp3.OkHttpClient", "import okhttp3.Request"]
    lines = ["val client = OkHttpClient()"]
    body = "null"
    if req.body_text is not None:
        imports += [
            "import okhttp3.MediaType.Companion.toMediaType",
            "import okhttp3.RequestBody.Companion.toRequestBody",
        ]
        content_type = next((v for n, v in req.headers if n == "Content-Type"), "text/plain")
        lines.append(
            f"val body = {KOTLIN.literal(req.body_text)}"
            f".toRequestBody({KOTLIN.literal(content_type)}.toMediaType())"
        )
        body = "body"
    lines += ["val request = Request.Builder()", f"    .url({KOTLIN.literal(req.url_with_query)})"]
    cred = req.credential
    if cred is not None:
        if cred.kind == "basic":
            imports.append("import okhttp3.Credentials")
            lines.append(
                '    .header("Authorization", Credentials.basic('
                f'System.getenv("{cred.env_var}") ?: "", System.getenv("{cred.password_env_var}") ?: ""))'
            )
        elif cred.kind == "bearer":
            lines.append(
                f'    .header("Authorization", "Bearer " + (System.getenv("{cred.env_var}") ?: ""))'
            )
        else:
            lines.append(
                f'    .header({KOTLIN.literal(cred.header)}, System.getenv("{cred.env_var}") ?: "")'
            )
    for name, value in req.headers:
        if name != "Content-Type":
            lines.append(f"    .header({KOTLIN.literal(name)}, {KOTLIN.literal(value)})")
    lines.append(f"    .method({KOTLIN.literal(req.method)}, {body})")
    lines.append("    .build()")
    lines += [
        "client.newCall(request).execute().use { response ->",
        "    println(response.body?.string())",
        "}",
    ]
    return Snippet(imports, "\n".join(lines))
