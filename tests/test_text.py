from core.text import ascii_fold, name_sort_key, nfc


def test_vietnamese_name_order_by_given_name_then_middle_then_family():
    names = ["Nguyễn Văn Đức", "Trần Thị An", "Lê Văn Dũng", "Phạm Thị Ân", "Nguyễn Văn An", "Hoàng Anh"]
    assert sorted(names, key=name_sort_key) == [
        "Trần Thị An",
        "Nguyễn Văn An",
        "Hoàng Anh",
        "Phạm Thị Ân",
        "Lê Văn Dũng",
        "Nguyễn Văn Đức",
    ]


def test_nfd_input_is_normalised():
    decomposed = "Nguye\u0302\u0303n Va\u0306n A"
    assert nfc(decomposed) == "Nguyễn Văn A"
    assert name_sort_key(decomposed) == name_sort_key("Nguyễn  Văn A")
    assert ascii_fold("Đặng Thị Ánh") == "dang thi anh"
