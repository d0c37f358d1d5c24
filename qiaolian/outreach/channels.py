"""The channel adapters: each sends one message over the real protocol and answers with a
`Result`. A `Permanent` failure (an address that can never work) is not retried; any other
exception (SMTP down, a 500, a timeout) is retried with backoff by the sender.

SMS gateway request (in the style of Aliyun/Tencent SMS), a POST of JSON to
`OUTREACH_SMS_URL`::

    {"PhoneNumbers": "+8613800000000", "SignName": "宁波市侨联",
     "TemplateCode": "QL_LETTER", "TemplateParam": "{\"subject\": …, \"link\": …}",
     "OutId": "<idempotency key>"}

with the header `X-Signature: hex(HMAC-SHA256(OUTREACH_SMS_SECRET, body))`; the gateway answers
`{"Code": "OK", "BizId": "…"}`, any other Code is a failure named by `Message`.

WeChat Work group robot: a POST to the group's webhook URL of
`{"msgtype": "markdown", "markdown": {"content": "…"}}`; it answers `{"errcode": 0,
"errmsg": "ok"}`, any other errcode is a failure named by errmsg.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


class Permanent(Exception):
    """This address can never be served (an invalid e-mail or phone): fail without retrying."""


@dataclass
class Message:
    key: str  # the delivery's idempotency key, passed on to the provider
    address: str
    subject: str
    text: str
    html: str = ""


def _setting(name: str, default):
    return getattr(settings, name, default)


def send_email(message: Message) -> str:
    try:
        validate_email(message.address)
    except ValidationError as exc:
        raise Permanent("invalid e-mail address") from exc
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = settings.DEFAULT_FROM_EMAIL
    mail["To"] = message.address
    mail["Message-ID"] = make_msgid(idstring=message.key.replace(":", "."))
    mail["X-Idempotency-Key"] = message.key
    mail.set_content(message.text)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    host = _setting("OUTREACH_SMTP_HOST", "localhost")
    port = int(_setting("OUTREACH_SMTP_PORT", 25))
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        smtp.send_message(mail)
    return mail["Message-ID"]


def _post_json(url: str, payload: dict, headers: dict | None = None) -> dict:
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - a configured https/http endpoint
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read().decode() or "{}")


def send_sms(message: Message) -> str:
    if not message.address.startswith("+") or not message.address[1:].isdigit():
        raise Permanent("invalid phone number")
    url = _setting("OUTREACH_SMS_URL", "")
    if not url:
        raise RuntimeError("no SMS gateway configured")
    payload = {
        "PhoneNumbers": message.address,
        "SignName": _setting("OUTREACH_SMS_SIGN", "侨联"),
        "TemplateCode": _setting("OUTREACH_SMS_TEMPLATE", "QL_LETTER"),
        "TemplateParam": json.dumps({"text": message.text}, ensure_ascii=False),
        "OutId": message.key,
    }
    secret = str(_setting("OUTREACH_SMS_SECRET", "")).encode()
    body = json.dumps(payload, ensure_ascii=False).encode()
    signature = hmac.new(secret, body, hashlib.sha256).hexdigest()
    answer = _post_json(url, payload, {"X-Signature": signature})
    if answer.get("Code") != "OK":
        raise RuntimeError(f"SMS gateway: {answer.get('Message') or answer.get('Code')}")
    return str(answer.get("BizId", ""))


def send_robot(message: Message) -> str:
    if not message.address.startswith(("http://", "https://")):
        raise Permanent("invalid robot webhook URL")
    content = f"### {message.subject}\n{message.text}"
    answer = _post_json(message.address, {"msgtype": "markdown", "markdown": {"content": content}})
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"robot: {answer.get('errmsg')}")
    return "ok"


ADAPTERS = {"email": send_email, "sms": send_sms, "robot": send_robot}


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, (ConnectionError, OSError)) and not isinstance(exc, urllib.error.URLError):
        return f"{type(exc).__name__}: {exc}"[:300]
    return str(exc)[:300] or type(exc).__name__
