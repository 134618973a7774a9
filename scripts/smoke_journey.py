"""The production smoke's browser journey (called by scripts/prod_smoke.sh against gunicorn).

Headless Debian Chromium through Playwright: static files are served hashed with far-future
cache headers; the demo cell secretary logs in, records the collective review, grades the whole
cell and submits; the page says the numbers follow; the cell's dashboard shows the proposals
once the worker has refreshed the roll-ups. Exits non-zero with a message on the first failure.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import urllib.request

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
FAR_FUTURE = 365 * 24 * 3600


def check(cond: bool, what: str) -> None:
    if not cond:
        print(f"SMOKE FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


def static_headers(base: str, html: str) -> None:
    urls = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    check(bool(urls), "the login page links static files")
    for url in urls:
        check(re.search(r"\.[0-9a-f]{12}\.(css|js)$", url) is not None, f"{url} has a hashed (manifest) name")
        req = urllib.request.Request(base + url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            cache = resp.headers.get("Cache-Control", "")
            age = int(re.search(r"max-age=(\d+)", cache).group(1)) if "max-age" in cache else 0
            check(resp.status == 200 and age >= FAR_FUTURE, f"{url} 200 with Cache-Control '{cache}'")


def reviewed_on_dashboard(page, base: str, cell_id: int, year: int) -> int:
    page.goto(f"{base}/tong-hop/{cell_id}/?year={year}&stage=PROPOSED")
    return int(page.get_by_test_id("total-reviewed").inner_text().replace(".", "").replace(",", "").strip() or 0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--user", default="bithu")
    parser.add_argument("--password", default="tusoi2026")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    base = args.base.rstrip("/")

    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="vi-VN", viewport={"width": 1400, "height": 900}).new_page()
        page.set_default_timeout(20_000)
        errors: list[str] = []
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)

        page.goto(f"{base}/dang-nhap/")
        static_headers(base, page.content())
        check(page.evaluate("getComputedStyle(document.body).fontFamily") != "", "Bootstrap CSS applied")
        page.get_by_label("Tên đăng nhập").fill(args.user)
        page.get_by_label("Mật khẩu").fill(args.password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state("networkidle")
        check("/dang-nhap/" not in page.url, f"logged in as {args.user} (now at {page.url})")

        page.get_by_role("link", name="Mở bảng xếp loại của chi bộ").click()
        cell_id = int(re.search(r"/chi-bo/(\d+)/", page.url).group(1))
        grid_url = page.url
        before = reviewed_on_dashboard(page, base, cell_id, args.year)
        page.goto(grid_url)
        summary = page.get_by_label("Tóm tắt kết quả kiểm điểm tập thể chi bộ")
        if summary.count():
            summary.fill(f"Chi bộ hoàn thành tốt nhiệm vụ năm {args.year}")
            page.get_by_role("button", name="Ghi nhận kiểm điểm tập thể").click()
            page.wait_for_load_state("networkidle")
        scores = page.locator("input[name$='-score']")
        n = scores.count()
        check(n > 0, f"the grid lists {n} members")
        for i in range(n):
            name = scores.nth(i).get_attribute("name")
            prefix = name[: -len("-score")]
            if page.locator(f"[name={prefix}-reason]").input_value():
                continue  # not graded for a reason the grid already knows (e.g. a new member)
            scores.nth(i).fill("80")
            page.locator(f"[name={prefix}-grade]").select_option("GOOD")
        page.wait_for_load_state("networkidle")  # the rows' htmx checks
        page.get_by_role("button", name="Nộp đề xuất lên cấp quyết định").click()
        page.wait_for_load_state("networkidle")
        try:
            expect(page.get_by_text("Chi bộ đã nộp đề xuất xếp loại lên cấp quyết định.")).to_be_visible()
        except AssertionError:
            for text in page.get_by_test_id("row-errors").all_inner_texts() + page.get_by_test_id("cell-violation").all_inner_texts():
                if text.strip():
                    print("grid says:", text.strip(), file=sys.stderr)
            raise
        expect(page.get_by_text("Số liệu tổng hợp sẽ được cập nhật trong giây lát.")).to_be_visible()
        check(True, "grid submitted; the page says the numbers follow")

        deadline, after = time.monotonic() + 60, before
        while time.monotonic() < deadline:
            after = reviewed_on_dashboard(page, base, cell_id, args.year)
            if after >= before + n:
                break
            time.sleep(1)
        check(after >= before + n, f"dashboard shows the proposals: reviewed {before} -> {after} (+{n} expected)")
        check(not errors, f"no server errors ({errors})")
        browser.close()


if __name__ == "__main__":
    main()
