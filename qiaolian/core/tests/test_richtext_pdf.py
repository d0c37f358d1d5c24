from qiaolian.core.pdf import qr_image, qr_png, qr_svg, render_pdf
from qiaolian.core.richtext import plain_text, sanitise_html


def test_sanitise_keeps_formatting_and_drops_scripts_and_handlers():
    dirty = (
        '<h2 onclick="x()">倡议书</h2><script>alert(1)</script>'
        '<p style="color:red">致<strong>全体</strong>侨胞<a href="javascript:alert(1)">链接</a>'
        '<a href="https://example.org/a">网站</a></p><!-- note -->'
    )
    clean = sanitise_html(dirty)
    assert clean.startswith("<h2>倡议书</h2>")
    assert "script" not in clean and "onclick" not in clean and "style" not in clean
    assert "javascript" not in clean and "note" not in clean
    assert '<a href="https://example.org/a" rel="noopener noreferrer nofollow">网站</a>' in clean
    assert sanitise_html(None) == "" and sanitise_html("") == ""


def test_plain_text_breaks_blocks_into_lines():
    assert plain_text("<p>第一段 &amp; 更多</p><ul><li>甲</li><li>乙</li></ul>") == (
        "第一段 & 更多\n甲\n乙"
    )
    assert plain_text(None) == ""


def test_pdf_sets_chinese_and_carries_a_qr_code():
    def draw(pdf):
        pdf.drawString(72, 760, "公益事业捐赠票据")
        pdf.drawImage(qr_image("https://x/v/1"), 72, 600, 80, 80)

    data = render_pdf(draw, title="收据", author="宁波市侨联")
    assert data.startswith(b"%PDF-") and b"STSong-Light" in data
    assert qr_png("https://x/v/1").startswith(b"\x89PNG")
    assert qr_svg("https://x/v/1").startswith("<svg")
