"""Write data/demo/products.csv, the demo world's product catalog.

The product lines below are real products sold on Amazon marketplaces; prices are typical US
list prices in dollars, rounded. Each product gets the type-specific attributes a seller
would enter. Devices have a ``model`` and a ``system``, the family of accessories or refills
they take. Accessories and refills have ``compatible_with``. Color, storage, size, material,
os, connector and count are set where they apply. A product is sold in the countries of its
type (world.json ``types[].countries``) that also carry its brand (``brand_countries``).

Run from the repository root after editing:  python data/demo/build_catalog.py
The output is sorted and stable, so an unchanged script rewrites an identical file.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
ALL_COUNTRIES = ("US", "GB", "CA")

products: list[dict] = []


def add(type_: str, brand: str, title: str, price: float, **attributes: str) -> None:
    products.append({"type": type_, "brand": brand, "title": title, "price": price,
                     "attributes": {key: value for key, value in attributes.items() if value}})


def slug(text: str) -> str:
    text = text.lower().replace("&", " and ").replace("+", " plus ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:72].rstrip("-")


# --- phones -------------------------------------------------------------------------------
PHONES = [
    # brand, line shown in titles, model, os, connector, screen size, [(storage, price)], colors
    ("apple", "iPhone 8", "iphone 8", "ios", "lightning", "4.7 inch", [("64GB", 449), ("256GB", 549)], ["Space Gray", "Silver", "Gold"]),
    ("apple", "iPhone X", "iphone x", "ios", "lightning", "5.8 inch", [("64GB", 599), ("256GB", 699)], ["Space Gray", "Silver"]),
    ("apple", "iPhone 11", "iphone 11", "ios", "lightning", "6.1 inch", [("64GB", 499), ("128GB", 549)], ["Black", "White", "Purple"]),
    ("apple", "iPhone 13", "iphone 13", "ios", "lightning", "6.1 inch", [("128GB", 699), ("256GB", 799)], ["Midnight", "Starlight", "Blue"]),
    ("samsung", "Galaxy S9", "galaxy s9", "android", "usb-c", "5.8 inch", [("64GB", 399)], ["Midnight Black", "Coral Blue", "Lilac Purple"]),
    ("samsung", "Galaxy S10", "galaxy s10", "android", "usb-c", "6.1 inch", [("128GB", 499), ("512GB", 649)], ["Prism Black", "Prism White"]),
    ("samsung", "Galaxy S21", "galaxy s21", "android", "usb-c", "6.2 inch", [("128GB", 699), ("256GB", 749)], ["Phantom Gray", "Phantom Violet"]),
    ("samsung", "Galaxy A52", "galaxy a52", "android", "usb-c", "6.5 inch", [("128GB", 349)], ["Awesome Black", "Awesome Blue"]),
    ("google", "Pixel 3", "pixel 3", "android", "usb-c", "5.5 inch", [("64GB", 299)], ["Just Black", "Clearly White"]),
    ("google", "Pixel 6", "pixel 6", "android", "usb-c", "6.4 inch", [("128GB", 599)], ["Stormy Black", "Sorta Seafoam"]),
    ("motorola", "Moto G Power", "moto g power", "android", "usb-c", "6.6 inch", [("64GB", 199)], ["Flash Gray"]),
    ("oneplus", "9", "oneplus 9", "android", "usb-c", "6.55 inch", [("128GB", 629)], ["Winter Mist", "Astral Black"]),
]
BRAND_TITLE = {
    "apple": "Apple", "samsung": "Samsung", "google": "Google", "motorola": "Motorola", "oneplus": "OnePlus",
}
for brand, line, model, os_, connector, screen, storages, colors in PHONES:
    for storage, price in storages:
        for color in colors:
            add("phone", brand, f"{BRAND_TITLE[brand]} {line} {storage} {color}", price,
                model=model, os=os_, storage=storage.lower(), color=color.lower(), connector=connector,
                size=screen)

PHONE_MODELS = [(model, f"{BRAND_TITLE[brand]} {line}" if brand != "oneplus" else "OnePlus 9")
                for brand, line, model, *_ in PHONES]
SHORT_NAME = {model: name.replace("Apple ", "").replace("Samsung ", "").replace("Google ", "")
              .replace("Motorola ", "") for model, name in PHONE_MODELS}

# --- phone cases and screen protectors ---------------------------------------------------
for model, name in PHONE_MODELS:
    short = SHORT_NAME[model]
    add("phone case", "otterbox", f"OtterBox Symmetry Series Case for {short}, Black", 49.95,
        compatible_with=model, color="black", material="polycarbonate")
    add("phone case", "spigen", f"Spigen Liquid Air Armor Case for {short}, Matte Black", 15.99,
        compatible_with=model, color="matte black", material="tpu")
    add("screen protector", "zagg", f"ZAGG InvisibleShield Glass Elite Screen Protector for {short}", 39.99,
        compatible_with=model, material="tempered glass")
    add("screen protector", "amfilm", f"amFilm Tempered Glass Screen Protector for {short} (3 Pack)", 8.99,
        compatible_with=model, material="tempered glass", count="3")
for model in ("iphone 8", "iphone x", "iphone 11", "iphone 13", "galaxy s9", "galaxy s10", "galaxy s21", "pixel 6"):
    short = SHORT_NAME[model]
    add("phone case", "otterbox", f"OtterBox Defender Series Case for {short}, Black", 59.95,
        compatible_with=model, color="black", material="polycarbonate")
    add("screen protector", "spigen", f"Spigen Tempered Glass Screen Protector GlasTR for {short} (2 Pack)", 12.99,
        compatible_with=model, material="tempered glass", count="2")
for model, color in (("iphone 8", "Red"), ("iphone 11", "Black"), ("iphone 13", "Midnight"), ("iphone x", "Pink Sand")):
    add("phone case", "apple", f"Apple Silicone Case for {SHORT_NAME[model]}, {color}", 39.00,
        compatible_with=model, color=color.lower(), material="silicone")
    add("phone case", "apple", f"Apple Leather Case for {SHORT_NAME[model]}, Saddle Brown", 49.00,
        compatible_with=model, color="saddle brown", material="leather")
for model in ("galaxy s9", "galaxy s10", "galaxy s21"):
    add("phone case", "samsung", f"Samsung Silicone Cover for {SHORT_NAME[model]}, Black", 24.99,
        compatible_with=model, color="black", material="silicone")

# --- chargers, cables, earbuds ---------------------------------------------------------------
add("phone charger", "apple", "Apple 20W USB-C Power Adapter", 19.00, connector="usb-c", size="20w", color="white")
add("phone charger", "anker", "Anker PowerPort III Nano 20W USB-C Charger", 19.99, connector="usb-c", size="20w", color="white")
add("phone charger", "anker", "Anker Nano II 65W GaN USB-C Charger", 49.99, connector="usb-c", size="65w", color="black")
add("phone charger", "anker", "Anker PowerPort 2 Elite Dual Port USB Wall Charger", 15.99, connector="usb-a", size="24w", color="black")
add("phone charger", "belkin", "Belkin BoostCharge 25W USB-C PD Wall Charger", 24.99, connector="usb-c", size="25w", color="white")
add("phone charger", "samsung", "Samsung 25W Super Fast Wall Charger USB-C", 19.99, connector="usb-c", size="25w", color="black")
add("phone charger", "google", "Google 30W USB-C Charger", 25.00, connector="usb-c", size="30w", color="white")
add("phone charger", "ugreen", "UGREEN Nexode 30W USB-C GaN Charger", 21.99, connector="usb-c", size="30w", color="white")

add("charging cable", "apple", "Apple USB-C to Lightning Cable (1 m)", 19.00, connector="lightning", size="1m", color="white")
add("charging cable", "anker", "Anker PowerLine III USB-C to Lightning Cable 6ft", 16.99, connector="lightning", size="6ft", color="white")
add("charging cable", "amazon basics", "Amazon Basics USB-C to Lightning Cable 3ft", 11.99, connector="lightning", size="3ft", color="white")
add("charging cable", "belkin", "Belkin BoostCharge USB-C to Lightning Braided Cable 2m", 24.99, connector="lightning", size="2m", color="black")
add("charging cable", "anker", "Anker PowerLine III USB-C to USB-C Cable 6ft", 13.99, connector="usb-c", size="6ft", color="black")
add("charging cable", "amazon basics", "Amazon Basics USB-C to USB-C 2.0 Cable 6ft", 8.99, connector="usb-c", size="6ft", color="black")
add("charging cable", "samsung", "Samsung USB-C to USB-C Cable 1m", 12.99, connector="usb-c", size="1m", color="white")
add("charging cable", "ugreen", "UGREEN USB-C to USB-C Braided Cable 100W 2m", 12.99, connector="usb-c", size="2m", color="gray")

add("earbuds", "apple", "Apple AirPods (2nd generation) with Charging Case", 129.00, model="airpods", color="white")
add("earbuds", "apple", "Apple AirPods Pro with MagSafe Charging Case", 249.00, model="airpods pro", color="white")
add("earbuds", "samsung", "Samsung Galaxy Buds2 True Wireless Earbuds, Graphite", 149.99, model="galaxy buds2", color="graphite")
add("earbuds", "samsung", "Samsung Galaxy Buds2 True Wireless Earbuds, Lavender", 149.99, model="galaxy buds2", color="lavender")
add("earbuds", "sony", "Sony WF-1000XM4 Noise Canceling Wireless Earbuds, Black", 279.99, model="wf-1000xm4", color="black")
add("earbuds", "bose", "Bose QuietComfort Earbuds, Triple Black", 279.00, model="quietcomfort earbuds", color="triple black")
add("earbuds", "jabra", "Jabra Elite 75t True Wireless Earbuds, Titanium Black", 149.99, model="elite 75t", color="titanium black")
add("earbuds", "google", "Google Pixel Buds A-Series, Clearly White", 99.00, model="pixel buds a-series", color="clearly white")
add("earbuds", "jbl", "JBL Tune 230NC TWS Noise Cancelling Earbuds, Black", 99.95, model="tune 230nc", color="black")

# --- tablets and their accessories --------------------------------------------------------------
TABLETS = [
    ("apple", "Apple iPad (9th generation) 10.2-inch Wi-Fi", "ipad 9th generation", "ipados", [("64GB", 329), ("256GB", 479)], ["Space Gray", "Silver"]),
    ("apple", "Apple iPad Air (5th generation) 10.9-inch Wi-Fi", "ipad air", "ipados", [("64GB", 599)], ["Space Gray", "Blue", "Purple"]),
    ("samsung", "Samsung Galaxy Tab S7 11-inch", "galaxy tab s7", "android", [("128GB", 649)], ["Mystic Black"]),
    ("samsung", "Samsung Galaxy Tab A8 10.5-inch", "galaxy tab a8", "android", [("32GB", 229), ("64GB", 279)], ["Dark Gray"]),
    ("amazon", "Amazon Fire HD 10 tablet, 10.1-inch", "fire hd 10", "fire os", [("32GB", 149)], ["Black", "Denim"]),
    ("lenovo", "Lenovo Tab M10 Plus 10.3-inch", "tab m10 plus", "android", [("64GB", 189)], ["Iron Gray"]),
]
for brand, line, model, os_, storages, colors in TABLETS:
    for storage, price in storages:
        for color in colors:
            add("tablet", brand, f"{line} {storage} {color}", price, model=model, os=os_,
                storage=storage.lower(), color=color.lower())
TABLET_SHORT = {"ipad 9th generation": "iPad 9th Gen 10.2-inch", "ipad air": "iPad Air 5th Gen 10.9-inch",
                "galaxy tab s7": "Galaxy Tab S7", "galaxy tab a8": "Galaxy Tab A8", "fire hd 10": "Fire HD 10",
                "tab m10 plus": "Lenovo Tab M10 Plus"}
for model, short in TABLET_SHORT.items():
    add("tablet case", "procase", f"ProCase Smart Folio Case for {short}, Black", 15.99,
        compatible_with=model, color="black", material="pu leather")
for model in ("ipad 9th generation", "ipad air", "galaxy tab s7", "galaxy tab a8"):
    add("tablet case", "otterbox", f"OtterBox Defender Series Case for {TABLET_SHORT[model]}, Black", 69.95,
        compatible_with=model, color="black", material="polycarbonate")
add("tablet case", "apple", "Apple Smart Cover for iPad (9th generation), Charcoal Gray", 49.00,
    compatible_with="ipad 9th generation", color="charcoal gray", material="polyurethane")
add("tablet case", "apple", "Apple Smart Folio for iPad Air (5th generation), Marine Blue", 79.00,
    compatible_with="ipad air", color="marine blue", material="polyurethane")
add("tablet case", "amazon", "Amazon Fire HD 10 Tablet Cover, Black", 39.99,
    compatible_with="fire hd 10", color="black", material="fabric")
add("tablet case", "samsung", "Samsung Galaxy Tab S7 Book Cover, Black", 69.99,
    compatible_with="galaxy tab s7", color="black", material="polyurethane")

add("stylus", "apple", "Apple Pencil (1st generation)", 99.00, compatible_with="ipad 9th generation", color="white")
add("stylus", "apple", "Apple Pencil (2nd generation)", 129.00, compatible_with="ipad air", color="white")
add("stylus", "logitech", "Logitech Crayon Digital Pencil for iPad, Orange", 69.99, compatible_with="ipad 9th generation", color="orange")
add("stylus", "logitech", "Logitech Crayon Digital Pencil for iPad Air, Gray", 69.99, compatible_with="ipad air", color="gray")
add("stylus", "samsung", "Samsung Galaxy Tab S7 S Pen, Mystic Black", 49.99, compatible_with="galaxy tab s7", color="mystic black")

# --- laptops, sleeves, mice, hubs ---------------------------------------------------------------
LAPTOPS = [
    ("apple", "Apple MacBook Air 13-inch M1 chip 8GB RAM", "macbook air", "macos", "13.3 inch", [("256GB", 999)], ["Space Gray", "Silver", "Gold"]),
    ("apple", "Apple MacBook Pro 14-inch M1 Pro chip 16GB RAM", "macbook pro", "macos", "14 inch", [("512GB", 1999)], ["Space Gray", "Silver"]),
    ("dell", "Dell XPS 13 9310 13.4-inch FHD+ Intel Core i7 16GB RAM", "xps 13", "windows", "13.4 inch", [("512GB", 1299)], ["Platinum Silver"]),
    ("dell", "Dell Inspiron 15 3000 15.6-inch Intel Core i5 8GB RAM", "inspiron 15", "windows", "15.6 inch", [("256GB", 549)], ["Carbon Black"]),
    ("lenovo", "Lenovo ThinkPad X1 Carbon Gen 9 14-inch Intel Core i7 16GB RAM", "thinkpad x1 carbon", "windows", "14 inch", [("512GB", 1649)], ["Black"]),
    ("lenovo", "Lenovo IdeaPad 3 15.6-inch AMD Ryzen 5 8GB RAM", "ideapad 3", "windows", "15.6 inch", [("256GB", 479)], ["Abyss Blue"]),
    ("lenovo", "Lenovo Chromebook Duet 10.1-inch 4GB RAM", "chromebook duet", "chrome os", "10.1 inch", [("64GB", 279)], ["Ice Blue"]),
    ("hp", "HP Spectre x360 13.5-inch Intel Core i7 16GB RAM", "spectre x360", "windows", "13.5 inch", [("512GB", 1399)], ["Nightfall Black"]),
    ("hp", "HP Pavilion 15 15.6-inch Intel Core i5 8GB RAM", "pavilion 15", "windows", "15.6 inch", [("512GB", 649)], ["Natural Silver"]),
    ("asus", "ASUS ZenBook 14 14-inch AMD Ryzen 7 16GB RAM", "zenbook 14", "windows", "14 inch", [("512GB", 899)], ["Pine Grey"]),
    ("acer", "Acer Aspire 5 15.6-inch Intel Core i5 8GB RAM", "aspire 5", "windows", "15.6 inch", [("512GB", 599)], ["Silver"]),
    ("microsoft", "Microsoft Surface Laptop 4 13.5-inch Intel Core i5 8GB RAM", "surface laptop 4", "windows", "13.5 inch", [("512GB", 1099)], ["Platinum", "Matte Black"]),
]
for brand, line, model, os_, screen, storages, colors in LAPTOPS:
    for storage, price in storages:
        for color in colors:
            add("laptop", brand, f"{line} {storage} SSD, {color}", price, model=model, os=os_,
                storage=storage.lower(), color=color.lower(), size=screen)

for size, price in (("13 inch", 24.99), ("14 inch", 26.99), ("15.6 inch", 28.99)):
    add("laptop sleeve", "tomtoc", f"tomtoc 360 Protective Laptop Sleeve {size.replace(' inch', '-inch')}, Gray", price,
        size=size, color="gray", material="polyester")
add("laptop sleeve", "incase", "Incase Compact Sleeve in Flight Nylon for 13-inch MacBook, Black", 49.95,
    size="13 inch", color="black", material="nylon")
add("laptop sleeve", "incase", "Incase Compact Sleeve in Woolenex 16-inch, Graphite", 59.95,
    size="16 inch", color="graphite", material="woolenex")
add("laptop sleeve", "amazon basics", "Amazon Basics Laptop Sleeve 13.3-inch, Black", 12.99,
    size="13 inch", color="black", material="neoprene")
add("laptop sleeve", "amazon basics", "Amazon Basics Laptop Sleeve 15.6-inch, Black", 14.99,
    size="15.6 inch", color="black", material="neoprene")

add("mouse", "logitech", "Logitech MX Master 3 Advanced Wireless Mouse, Graphite", 99.99, model="mx master 3", color="graphite")
add("mouse", "logitech", "Logitech MX Master 3 Advanced Wireless Mouse, Pale Gray", 99.99, model="mx master 3", color="pale gray")
add("mouse", "logitech", "Logitech M720 Triathlon Multi-Device Wireless Mouse", 49.99, model="m720", color="black")
add("mouse", "logitech", "Logitech M185 Wireless Mouse, Gray", 14.99, model="m185", color="gray")
add("mouse", "microsoft", "Microsoft Bluetooth Mouse, Pastel Blue", 24.99, model="bluetooth mouse", color="pastel blue")
add("mouse", "apple", "Apple Magic Mouse, White", 79.00, model="magic mouse", color="white")
add("mouse", "razer", "Razer Basilisk X HyperSpeed Wireless Gaming Mouse", 59.99, model="basilisk x", color="black")

add("usb-c hub", "anker", "Anker 7-in-1 USB-C Hub with 4K HDMI and 100W Power Delivery", 35.99, connector="usb-c", count="7")
add("usb-c hub", "satechi", "Satechi Aluminum Type-C Multi-Port Adapter V2, Space Gray", 79.99, connector="usb-c", color="space gray")
add("usb-c hub", "ugreen", "UGREEN 5-in-1 USB-C Hub with 4K HDMI", 25.99, connector="usb-c", count="5")
add("usb-c hub", "belkin", "Belkin USB-C 4-in-1 Multiport Adapter", 49.99, connector="usb-c", count="4")
add("usb-c hub", "anker", "Anker PowerExpand 8-in-1 USB-C Hub with Ethernet", 54.99, connector="usb-c", count="8")

# --- monitors and HDMI cables ----------------------------------------------------------------------
add("monitor", "dell", "Dell UltraSharp U2720Q 27-inch 4K USB-C Monitor", 579.99, model="u2720q", size="27 inch", color="black")
add("monitor", "dell", "Dell S2721D 27-inch QHD Monitor", 279.99, model="s2721d", size="27 inch", color="silver")
add("monitor", "dell", "Dell SE2422H 24-inch Full HD Monitor", 139.99, model="se2422h", size="24 inch", color="black")
add("monitor", "lg", "LG 27UL850-W 27-inch 4K UHD IPS Monitor", 449.99, model="27ul850-w", size="27 inch", color="white")
add("monitor", "lg", "LG 24MK600M-B 24-inch Full HD IPS Monitor", 149.99, model="24mk600m-b", size="24 inch", color="black")
add("monitor", "samsung", "Samsung Odyssey G5 27-inch QHD Curved Gaming Monitor", 299.99, model="odyssey g5", size="27 inch", color="black")
add("monitor", "samsung", "Samsung T35F 24-inch Full HD IPS Monitor", 139.99, model="t35f", size="24 inch", color="dark blue gray")
add("monitor", "asus", "ASUS ProArt PA278QV 27-inch WQHD Monitor", 299.00, model="proart pa278qv", size="27 inch", color="black")
add("monitor", "acer", "Acer Nitro VG240Y 23.8-inch Full HD Gaming Monitor", 169.99, model="nitro vg240y", size="24 inch", color="black")
add("monitor", "hp", "HP M24f 23.8-inch FHD IPS Monitor", 149.99, model="m24f", size="24 inch", color="silver")

add("hdmi cable", "amazon basics", "Amazon Basics High-Speed HDMI Cable 6ft", 7.99, size="6ft", color="black")
add("hdmi cable", "amazon basics", "Amazon Basics High-Speed HDMI Cable 10ft", 9.99, size="10ft", color="black")
add("hdmi cable", "belkin", "Belkin Ultra HD HDMI 2.1 Cable 2m", 29.99, size="2m", color="black")
add("hdmi cable", "monoprice", "Monoprice 8K Certified Ultra High Speed HDMI Cable 6ft", 15.99, size="6ft", color="black")
add("hdmi cable", "ugreen", "UGREEN 8K HDMI 2.1 Braided Cable 3ft", 11.99, size="3ft", color="gray")

# --- smartwatches and bands ------------------------------------------------------------------------
for size, price in (("41mm", 399), ("45mm", 429)):
    for color in ("Midnight", "Starlight"):
        add("smartwatch", "apple", f"Apple Watch Series 7 GPS {size} {color} Aluminum Case with Sport Band", price,
            model="apple watch series 7", system="apple watch", size=size, color=color.lower(), os="watchos")
add("smartwatch", "apple", "Apple Watch SE GPS 40mm Silver Aluminum Case with Sport Band", 279.00,
    model="apple watch se", system="apple watch", size="40mm", color="silver", os="watchos")
for size, price in (("40mm", 249.99), ("44mm", 279.99)):
    add("smartwatch", "samsung", f"Samsung Galaxy Watch4 {size} Bluetooth Smartwatch, Black", price,
        model="galaxy watch4", system="galaxy watch4", size=size, color="black", os="wear os")
add("smartwatch", "garmin", "Garmin Forerunner 245 GPS Running Smartwatch, Slate Gray", 299.99,
    model="forerunner 245", system="garmin 20mm", size="42mm", color="slate gray", os="garmin os")
add("smartwatch", "garmin", "Garmin Venu 2 GPS Smartwatch, Slate with Black Band", 399.99,
    model="venu 2", system="garmin 22mm", size="45mm", color="slate", os="garmin os")
add("smartwatch", "fitbit", "Fitbit Versa 3 Health and Fitness Smartwatch, Black", 229.95,
    model="versa 3", system="fitbit versa 3", color="black", os="fitbit os")
add("smartwatch", "fitbit", "Fitbit Charge 5 Advanced Fitness Tracker, Black", 149.95,
    model="charge 5", system="fitbit charge 5", color="black", os="fitbit os")

for color in ("Midnight", "Abyss Blue", "Starlight"):
    add("watch band", "apple", f"Apple Watch Sport Band 45mm, {color}", 49.00,
        compatible_with="apple watch", color=color.lower(), material="fluoroelastomer", size="45mm")
add("watch band", "apple", "Apple Watch Solo Loop 41mm, Clover", 49.00,
    compatible_with="apple watch", color="clover", material="silicone", size="41mm")
add("watch band", "apple", "Apple Watch Leather Link 41mm, Umber", 99.00,
    compatible_with="apple watch", color="umber", material="leather", size="41mm")
add("watch band", "samsung", "Samsung Galaxy Watch4 Sport Band 20mm, Black", 29.99,
    compatible_with="galaxy watch4", color="black", material="fluoroelastomer", size="20mm")
add("watch band", "samsung", "Samsung Galaxy Watch4 Ridge Sport Band 20mm, Olive Green", 39.99,
    compatible_with="galaxy watch4", color="olive green", material="fluoroelastomer", size="20mm")
add("watch band", "garmin", "Garmin QuickFit 20mm Silicone Watch Band, Black", 29.99,
    compatible_with="garmin 20mm", color="black", material="silicone", size="20mm")
add("watch band", "garmin", "Garmin Quick Release 22mm Silicone Band, Slate", 29.99,
    compatible_with="garmin 22mm", color="slate", material="silicone", size="22mm")
add("watch band", "fitbit", "Fitbit Versa 3 Infinity Band, Black, Large", 29.95,
    compatible_with="fitbit versa 3", color="black", material="silicone", size="large")
add("watch band", "fitbit", "Fitbit Charge 5 Woven Band, Navy, Small", 34.95,
    compatible_with="fitbit charge 5", color="navy", material="woven fabric", size="small")

# --- game consoles and controllers -------------------------------------------------------------------
add("game console", "sony", "Sony PlayStation 5 Console (Disc Edition)", 499.99, model="playstation 5", system="playstation 5", storage="825gb", color="white")
add("game console", "sony", "Sony PlayStation 5 Digital Edition", 399.99, model="playstation 5", system="playstation 5", storage="825gb", color="white")
add("game console", "microsoft", "Microsoft Xbox Series X 1TB Console", 499.99, model="xbox series x", system="xbox series", storage="1tb", color="black")
add("game console", "microsoft", "Microsoft Xbox Series S 512GB Console", 299.99, model="xbox series s", system="xbox series", storage="512gb", color="robot white")
add("game console", "nintendo", "Nintendo Switch OLED Model with White Joy-Con", 349.99, model="nintendo switch oled", system="nintendo switch", storage="64gb", color="white")
add("game console", "nintendo", "Nintendo Switch OLED Model with Neon Red and Neon Blue Joy-Con", 349.99, model="nintendo switch oled", system="nintendo switch", storage="64gb", color="neon red blue")

add("game controller", "sony", "Sony DualSense Wireless Controller for PS5, White", 69.99, compatible_with="playstation 5", color="white")
add("game controller", "sony", "Sony DualSense Wireless Controller for PS5, Midnight Black", 69.99, compatible_with="playstation 5", color="midnight black")
add("game controller", "microsoft", "Microsoft Xbox Wireless Controller, Carbon Black", 59.99, compatible_with="xbox series", color="carbon black")
add("game controller", "microsoft", "Microsoft Xbox Wireless Controller, Robot White", 59.99, compatible_with="xbox series", color="robot white")
add("game controller", "powera", "PowerA Enhanced Wired Controller for Xbox Series X|S, Black", 34.99, compatible_with="xbox series", color="black")
add("game controller", "nintendo", "Nintendo Switch Pro Controller", 69.99, compatible_with="nintendo switch", color="black")
add("game controller", "nintendo", "Nintendo Joy-Con (L)/(R), Neon Red and Neon Blue", 79.99, compatible_with="nintendo switch", color="neon red blue", count="2")

# --- printers and ink --------------------------------------------------------------------------------
PRINTERS = [
    ("hp", "HP OfficeJet Pro 9015e All-in-One Wireless Printer", 229.99, "officejet pro 9015e", "hp 962"),
    ("hp", "HP DeskJet 2755e Wireless All-in-One Printer", 84.99, "deskjet 2755e", "hp 67"),
    ("canon", "Canon PIXMA TS6420a Wireless All-in-One Printer", 99.99, "pixma ts6420a", "canon pg-275"),
    ("canon", "Canon PIXMA MG3620 Wireless All-in-One Inkjet Printer", 79.99, "pixma mg3620", "canon pg-243"),
    ("epson", "Epson EcoTank ET-2800 Wireless Color All-in-One Supertank Printer", 199.99, "ecotank et-2800", "epson 502"),
    ("epson", "Epson WorkForce WF-2830 All-in-One Wireless Printer", 99.99, "workforce wf-2830", "epson 212"),
    ("brother", "Brother MFC-J1010DW Wireless Color Inkjet All-in-One Printer", 119.99, "mfc-j1010dw", "brother lc401"),
]
for brand, title, price, model, system in PRINTERS:
    add("printer", brand, title, price, model=model, system=system, color="black")
INKS = [
    ("hp", "HP 962 Black Original Ink Cartridge", 38.99, "hp 962", "black"),
    ("hp", "HP 962 Cyan, Magenta, Yellow Original Ink Cartridges (3 Pack)", 62.99, "hp 962", "tri-color"),
    ("hp", "HP 67 Black Original Ink Cartridge", 17.99, "hp 67", "black"),
    ("hp", "HP 67 Tri-color Original Ink Cartridge", 21.99, "hp 67", "tri-color"),
    ("canon", "Canon PG-275 Black Ink Cartridge", 17.99, "canon pg-275", "black"),
    ("canon", "Canon CL-276 Color Ink Cartridge", 21.99, "canon pg-275", "tri-color"),
    ("canon", "Canon PG-243 Black Ink Cartridge", 15.99, "canon pg-243", "black"),
    ("canon", "Canon CL-244 Color Ink Cartridge", 19.99, "canon pg-243", "tri-color"),
    ("epson", "Epson T502 EcoTank Ink Bottle, Black", 19.99, "epson 502", "black"),
    ("epson", "Epson T502 EcoTank Ink Bottles, Cyan, Magenta, Yellow (3 Pack)", 38.99, "epson 502", "tri-color"),
    ("epson", "Epson T212 Claria Standard Capacity Black Ink Cartridge", 14.99, "epson 212", "black"),
    ("epson", "Epson T212 Claria Color Combo Pack", 31.99, "epson 212", "tri-color"),
    ("brother", "Brother LC401 Black Ink Cartridge", 17.99, "brother lc401", "black"),
    ("brother", "Brother LC401 Cyan, Magenta, Yellow Ink Cartridges (3 Pack)", 35.99, "brother lc401", "tri-color"),
]
for brand, title, price, system, color in INKS:
    add("ink cartridge", brand, title, price, compatible_with=system, color=color)

BATTERIES = [
    ("duracell", "Duracell Coppertop AA Alkaline Batteries, 20 Count", 16.99, "aa", "20"),
    ("duracell", "Duracell Coppertop AAA Alkaline Batteries, 20 Count", 16.99, "aaa", "20"),
    ("duracell", "Duracell Coppertop 9V Alkaline Batteries, 4 Count", 14.49, "9v", "4"),
    ("energizer", "Energizer MAX AA Alkaline Batteries, 24 Count", 17.49, "aa", "24"),
    ("energizer", "Energizer MAX AAA Alkaline Batteries, 24 Count", 17.49, "aaa", "24"),
    ("energizer", "Energizer Ultimate Lithium AA Batteries, 8 Count", 19.99, "aa", "8"),
    ("amazon basics", "Amazon Basics AA Alkaline High-Performance Batteries, 48 Count", 14.99, "aa", "48"),
    ("amazon basics", "Amazon Basics AAA Alkaline High-Performance Batteries, 36 Count", 12.99, "aaa", "36"),
]
for brand, title, price, size, count in BATTERIES:
    add("batteries", brand, title, price, size=size, count=count)

# --- coffee ------------------------------------------------------------------------------------------
MACHINES = [
    ("nespresso", "Nespresso Essenza Mini Espresso Machine by De'Longhi, Piano Black", 169.00, "essenza mini", "nespresso originalline", "piano black"),
    ("nespresso", "Nespresso Pixie Espresso Machine by Breville, Titan", 229.95, "pixie", "nespresso originalline", "titan"),
    ("nespresso", "Nespresso CitiZ Espresso Machine by De'Longhi, Black", 299.00, "citiz", "nespresso originalline", "black"),
    ("nespresso", "Nespresso Vertuo Next Coffee and Espresso Machine by Breville, Matte Black", 159.00, "vertuo next", "nespresso vertuo", "matte black"),
    ("nespresso", "Nespresso Vertuo Pop Coffee and Espresso Machine, Aqua Mint", 129.00, "vertuo pop", "nespresso vertuo", "aqua mint"),
    ("keurig", "Keurig K-Mini Single Serve K-Cup Pod Coffee Maker, Black", 79.99, "k-mini", "keurig k-cup", "black"),
    ("keurig", "Keurig K-Supreme Single Serve K-Cup Pod Coffee Maker, Gray", 149.99, "k-supreme", "keurig k-cup", "gray"),
    ("keurig", "Keurig K-Elite Single Serve K-Cup Pod Coffee Maker, Brushed Silver", 169.99, "k-elite", "keurig k-cup", "brushed silver"),
    ("de'longhi", "De'Longhi Dedica EC685 Pump Espresso Machine, Stainless Steel", 299.95, "dedica ec685", "", "stainless steel"),
    ("breville", "Breville Barista Express BES870XL Espresso Machine, Brushed Stainless Steel", 699.95, "barista express", "", "brushed stainless steel"),
]
for brand, title, price, model, system, color in MACHINES:
    add("coffee machine", brand, title, price, model=model, system=system, color=color)
PODS = [
    ("nespresso", "Nespresso Capsules OriginalLine, Ristretto, Dark Roast Espresso, 50 Count", 42.00, "nespresso originalline", "50"),
    ("nespresso", "Nespresso Capsules OriginalLine, Arpeggio, Dark Roast Espresso, 50 Count", 42.00, "nespresso originalline", "50"),
    ("nespresso", "Nespresso Capsules OriginalLine, Volluto, Light Roast Espresso, 50 Count", 42.00, "nespresso originalline", "50"),
    ("nespresso", "Nespresso Capsules VertuoLine, Melozio, Medium Roast Coffee, 30 Count", 36.00, "nespresso vertuo", "30"),
    ("nespresso", "Nespresso Capsules VertuoLine, Stormio, Dark Roast Coffee, 30 Count", 36.00, "nespresso vertuo", "30"),
    ("nespresso", "Nespresso Capsules VertuoLine, Odacio, Medium Roast Coffee, 30 Count", 36.00, "nespresso vertuo", "30"),
    ("starbucks", "Starbucks by Nespresso OriginalLine Pike Place Roast Capsules, 50 Count", 37.99, "nespresso originalline", "50"),
    ("l'or", "L'OR Espresso Supremo Capsules, Nespresso OriginalLine Compatible, 30 Count", 17.99, "nespresso originalline", "30"),
    ("green mountain", "Green Mountain Coffee Roasters Breakfast Blend K-Cup Pods, 72 Count", 41.99, "keurig k-cup", "72"),
    ("starbucks", "Starbucks Pike Place Roast K-Cup Coffee Pods, 72 Count", 46.99, "keurig k-cup", "72"),
    ("dunkin'", "Dunkin' Original Blend Medium Roast K-Cup Pods, 60 Count", 39.99, "keurig k-cup", "60"),
    ("the original donut shop", "The Original Donut Shop Regular K-Cup Pods, 72 Count", 41.99, "keurig k-cup", "72"),
    ("peet's", "Peet's Coffee Major Dickason's Blend K-Cup Pods, 75 Count", 46.99, "keurig k-cup", "75"),
]
for brand, title, price, system, count in PODS:
    add("coffee pods", brand, title, price, compatible_with=system, count=count)

# --- oral care and shaving -----------------------------------------------------------------------------
add("electric toothbrush", "oral-b", "Oral-B Pro 1000 Rechargeable Electric Toothbrush, White", 49.94, model="pro 1000", system="oral-b", color="white")
add("electric toothbrush", "oral-b", "Oral-B Genius X Rechargeable Electric Toothbrush, Black", 129.99, model="genius x", system="oral-b", color="black")
add("electric toothbrush", "oral-b", "Oral-B iO Series 5 Rechargeable Electric Toothbrush, Matte Black", 149.99, model="io series 5", system="oral-b io", color="matte black")
add("electric toothbrush", "philips sonicare", "Philips Sonicare 4100 Power Toothbrush, Black", 49.96, model="4100", system="sonicare", color="black")
add("electric toothbrush", "philips sonicare", "Philips Sonicare ProtectiveClean 6100 Rechargeable Toothbrush, White", 129.96, model="protectiveclean 6100", system="sonicare", color="white")
add("electric toothbrush", "philips sonicare", "Philips Sonicare DiamondClean Smart 9300 Toothbrush, Black", 219.96, model="diamondclean smart 9300", system="sonicare", color="black")
HEADS = [
    ("oral-b", "Oral-B CrossAction Electric Toothbrush Replacement Brush Heads, 8 Count", 34.99, "oral-b", "8"),
    ("oral-b", "Oral-B Precision Clean Replacement Brush Heads, 5 Count", 24.99, "oral-b", "5"),
    ("oral-b", "Oral-B FlossAction Replacement Brush Heads, 4 Count", 22.99, "oral-b", "4"),
    ("oral-b", "Oral-B iO Ultimate Clean Replacement Brush Heads, Black, 4 Count", 49.99, "oral-b io", "4"),
    ("philips sonicare", "Philips Sonicare C2 Optimal Plaque Control Replacement Heads, 4 Count", 36.96, "sonicare", "4"),
    ("philips sonicare", "Philips Sonicare W2 Optimal White Replacement Heads, 3 Count", 29.96, "sonicare", "3"),
    ("philips sonicare", "Philips Sonicare G3 Premium Gum Care Replacement Heads, 2 Count", 27.96, "sonicare", "2"),
]
for brand, title, price, system, count in HEADS:
    add("toothbrush heads", brand, title, price, compatible_with=system, count=count)

RAZORS = [
    ("gillette", "Gillette Fusion5 ProGlide Men's Razor Handle with 2 Blade Refills", 11.99, "fusion5 proglide", "gillette fusion5"),
    ("gillette", "Gillette Mach3 Men's Razor Handle with 2 Blade Refills", 9.99, "mach3", "gillette mach3"),
    ("gillette", "Gillette Venus Extra Smooth Women's Razor Handle with 2 Blade Refills", 10.99, "venus extra smooth", "gillette venus"),
    ("schick", "Schick Hydro 5 Sense Hydrate Men's Razor with 2 Refills", 9.99, "hydro 5 sense", "schick hydro"),
    ("harry's", "Harry's Truman Razor Handle with 2 Blade Cartridges, Ivory Orange", 9.00, "truman", "harry's"),
    ("harry's", "Harry's Winston Razor, Chrome Handle", 25.00, "winston", "harry's"),
]
for brand, title, price, model, system in RAZORS:
    add("razor", brand, title, price, model=model, system=system)
BLADES = [
    ("gillette", "Gillette Fusion5 ProGlide Men's Razor Blade Refills, 8 Count", 34.99, "gillette fusion5", "8"),
    ("gillette", "Gillette Fusion5 ProGlide Men's Razor Blade Refills, 12 Count", 46.99, "gillette fusion5", "12"),
    ("gillette", "Gillette Mach3 Men's Razor Blade Refills, 8 Count", 21.99, "gillette mach3", "8"),
    ("gillette", "Gillette Mach3 Men's Razor Blade Refills, 15 Count", 34.99, "gillette mach3", "15"),
    ("gillette", "Gillette Venus Extra Smooth Women's Razor Blade Refills, 4 Count", 17.99, "gillette venus", "4"),
    ("schick", "Schick Hydro 5 Sense Hydrate Razor Refills, 8 Count", 22.99, "schick hydro", "8"),
    ("harry's", "Harry's Razor Blade Refills, 8 Count", 17.00, "harry's", "8"),
    ("harry's", "Harry's Razor Blade Refills, 16 Count", 31.00, "harry's", "16"),
]
for brand, title, price, system, count in BLADES:
    add("razor blades", brand, title, price, compatible_with=system, count=count)

# --- water filters ---------------------------------------------------------------------------------------
add("water filter pitcher", "brita", "Brita Standard Everyday Water Filter Pitcher, 10 Cup, White", 32.99, model="everyday", system="brita standard", color="white", size="10 cup")
add("water filter pitcher", "brita", "Brita Metro Water Filter Pitcher, 6 Cup, Red", 24.99, model="metro", system="brita standard", color="red", size="6 cup")
add("water filter pitcher", "brita", "Brita Marella XL Water Filter Jug with MAXTRA PRO Cartridge, 3.5 L, White", 29.99, model="marella xl", system="brita maxtra", color="white", size="3.5 l")
add("water filter pitcher", "pur", "PUR Classic 11 Cup Water Filter Pitcher, Blue", 29.99, model="classic 11 cup", system="pur pitcher", color="blue", size="11 cup")
add("water filter pitcher", "zerowater", "ZeroWater 10 Cup Ready-Pour Water Filter Pitcher", 34.99, model="ready-pour", system="zerowater", color="white", size="10 cup")
CARTRIDGES = [
    ("brita", "Brita Standard Water Filter Replacement Filters, 3 Count", 17.99, "brita standard", "3"),
    ("brita", "Brita Standard Water Filter Replacement Filters, 6 Count", 31.99, "brita standard", "6"),
    ("brita", "Brita MAXTRA PRO All-in-1 Water Filter Cartridges, 3 Pack", 19.99, "brita maxtra", "3"),
    ("brita", "Brita MAXTRA PRO All-in-1 Water Filter Cartridges, 6 Pack", 34.99, "brita maxtra", "6"),
    ("pur", "PUR Pitcher Replacement Water Filter, 2 Pack", 19.99, "pur pitcher", "2"),
    ("zerowater", "ZeroWater 5-Stage Replacement Water Filters, 2 Pack", 29.99, "zerowater", "2"),
]
for brand, title, price, system, count in CARTRIDGES:
    add("water filter cartridge", brand, title, price, compatible_with=system, count=count)

# --- floor care --------------------------------------------------------------------------------------------
add("vacuum cleaner", "dyson", "Dyson V8 Absolute Cordless Stick Vacuum Cleaner", 399.99, model="dyson v8", color="nickel yellow")
add("vacuum cleaner", "dyson", "Dyson V11 Torque Drive Cordless Vacuum Cleaner", 599.99, model="dyson v11", color="blue")
add("vacuum cleaner", "shark", "Shark NV352 Navigator Lift-Away Upright Vacuum", 199.99, model="shark navigator", color="white")
add("vacuum cleaner", "shark", "Shark IZ163H Rocket Pet Pro Cordless Stick Vacuum", 299.99, model="shark rocket", color="gray")
add("vacuum cleaner", "bissell", "BISSELL CleanView Swivel Pet Upright Bagless Vacuum", 149.99, model="cleanview swivel", color="black")
add("vacuum cleaner", "numatic", "Henry HVR160 Bagged Cylinder Vacuum Cleaner, Red", 159.99, model="henry hvr160", color="red")
add("vacuum filter", "dyson", "Dyson V8 Replacement Pre-Motor Filter", 19.99, compatible_with="dyson v8")
add("vacuum filter", "dyson", "Dyson V11 Replacement Filter", 39.99, compatible_with="dyson v11")
add("vacuum filter", "shark", "Shark Navigator Foam and Felt Filter Kit XFF350", 14.99, compatible_with="shark navigator")
add("vacuum filter", "shark", "Shark Rocket Replacement Filter Kit XHFIZ140", 19.99, compatible_with="shark rocket")
add("vacuum filter", "bissell", "BISSELL CleanView Style 9 Replacement Filter", 12.99, compatible_with="cleanview swivel")
add("vacuum filter", "numatic", "Henry HepaFlo Vacuum Bags, 10 Pack", 14.99, compatible_with="henry hvr160", count="10")

# --- kettles (United Kingdom) ------------------------------------------------------------------------------
add("electric kettle", "russell hobbs", "Russell Hobbs 20460 Quiet Boil Electric Kettle, 1.7 L, Stainless Steel", 39.99, model="quiet boil", size="1.7 l", color="stainless steel", material="stainless steel")
add("electric kettle", "russell hobbs", "Russell Hobbs 24361 Inspire Electric Kettle, 1.7 L, Black", 29.99, model="inspire", size="1.7 l", color="black", material="plastic")
add("electric kettle", "breville", "Breville VKT111 Impressions Electric Kettle, 1.7 L, Cream", 44.99, model="impressions", size="1.7 l", color="cream", material="plastic")
add("electric kettle", "smeg", "Smeg KLF03 50's Retro Style Electric Kettle, 1.7 L, Pastel Blue", 149.99, model="klf03", size="1.7 l", color="pastel blue", material="stainless steel")
add("electric kettle", "swan", "Swan SK14610 Retro Jug Kettle, 1.5 L, Black", 34.99, model="retro jug", size="1.5 l", color="black", material="stainless steel")

# --- household consumables ---------------------------------------------------------------------------------
for brand, title, price, size, count in (
    ("tide", "Tide Original Scent Liquid Laundry Detergent, 92 fl oz, 64 Loads", 13.99, "92 fl oz", "64"),
    ("tide", "Tide PODS Laundry Detergent Pacs, Original Scent, 81 Count", 24.99, "", "81"),
    ("gain", "Gain Original Scent Liquid Laundry Detergent, 88 fl oz, 64 Loads", 12.99, "88 fl oz", "64"),
    ("persil", "Persil ProClean Original Scent Liquid Laundry Detergent, 82.5 fl oz", 14.99, "82.5 fl oz", "55"),
    ("persil", "Persil Non Bio Washing Liquid, 1.89 L, 70 Washes", 12.00, "1.89 l", "70"),
    ("ariel", "Ariel All-in-1 PODS Washing Capsules, Original, 42 Washes", 13.50, "", "42"),
    ("arm & hammer", "Arm & Hammer Clean Burst Liquid Laundry Detergent, 100 Loads", 11.99, "", "100"),
):
    add("laundry detergent", brand, title, price, size=size, count=count)
for brand, title, price, count in (
    ("finish", "Finish Quantum Infinity Shine Dishwasher Tablets, 82 Count", 21.99, "82"),
    ("finish", "Finish Powerball All in One Dishwasher Tablets, 94 Count", 17.99, "94"),
    ("cascade", "Cascade Platinum ActionPacs Dishwasher Detergent, Fresh Scent, 62 Count", 19.99, "62"),
    ("cascade", "Cascade Complete ActionPacs Dishwasher Detergent, 78 Count", 18.49, "78"),
    ("fairy", "Fairy Platinum Plus All in One Dishwasher Tablets, Lemon, 75 Tablets", 16.00, "75"),
):
    add("dishwasher tablets", brand, title, price, count=count)
for brand, title, price, count in (
    ("bounty", "Bounty Select-A-Size Paper Towels, White, 6 Double Rolls", 12.99, "6"),
    ("bounty", "Bounty Select-A-Size Paper Towels, 12 Triple Rolls", 35.99, "12"),
    ("brawny", "Brawny Pick-A-Size Paper Towels, 6 Double Rolls", 11.49, "6"),
    ("viva", "Viva Multi-Surface Cloth Paper Towels, 6 Big Rolls", 11.99, "6"),
    ("plenty", "Plenty The Original Kitchen Roll, 3 Rolls", 4.50, "3"),
    ("regina", "Regina Blitz Household Towels, 3 Rolls", 4.00, "3"),
):
    add("paper towels", brand, title, price, count=count)
for brand, title, price, count in (
    ("charmin", "Charmin Ultra Soft Toilet Paper, 18 Mega Rolls", 24.99, "18"),
    ("charmin", "Charmin Ultra Strong Toilet Paper, 18 Family Mega Rolls", 29.99, "18"),
    ("cottonelle", "Cottonelle Ultra Comfort Toilet Paper, 24 Family Mega Rolls", 31.99, "24"),
    ("scott", "Scott 1000 Sheets Per Roll Toilet Paper, 20 Rolls", 19.99, "20"),
    ("andrex", "Andrex Classic Clean Toilet Tissue, 16 Rolls", 10.00, "16"),
    ("cushelle", "Cushelle Ultra Quilted Toilet Roll, 9 Rolls", 7.50, "9"),
):
    add("toilet paper", brand, title, price, count=count)
for brand, title, price, size, count in (
    ("glad", "Glad ForceFlex Tall Kitchen Drawstring Trash Bags, 13 Gallon, 80 Count", 17.99, "13 gallon", "80"),
    ("glad", "Glad OdorShield Tall Kitchen Trash Bags, 13 Gallon, 110 Count", 22.99, "13 gallon", "110"),
    ("hefty", "Hefty Ultra Strong Tall Kitchen Trash Bags, 13 Gallon, 90 Count", 19.99, "13 gallon", "90"),
    ("hefty", "Hefty Strong Large Trash Bags, 30 Gallon, 74 Count", 18.99, "30 gallon", "74"),
    ("swirl", "Swirl Pedal Bin Liners with Tie Handles, 40 Bags", 3.50, "", "40"),
):
    add("trash bags", brand, title, price, size=size, count=count)
for brand, title, price, size in (
    ("colgate", "Colgate Total Whitening Toothpaste, 4.8 oz, 4 Pack", 14.99, "4.8 oz"),
    ("colgate", "Colgate Optic White Advanced Teeth Whitening Toothpaste, 3.2 oz, 3 Pack", 12.99, "3.2 oz"),
    ("crest", "Crest Pro-Health Advanced Toothpaste, 5.1 oz, 3 Pack", 14.49, "5.1 oz"),
    ("crest", "Crest 3D White Brilliance Toothpaste, 4.6 oz, 2 Pack", 11.99, "4.6 oz"),
    ("sensodyne", "Sensodyne Pronamel Gentle Whitening Toothpaste, 4 oz, 3 Pack", 19.99, "4 oz"),
    ("sensodyne", "Sensodyne Repair and Protect Toothpaste, 3.4 oz, 3 Pack", 21.99, "3.4 oz"),
):
    add("toothpaste", brand, title, price, size=size)

# --- baby and pets -------------------------------------------------------------------------------------------
for brand, line, size, count, price in (
    ("pampers", "Pampers Swaddlers Diapers", "1", "198", 64.99),
    ("pampers", "Pampers Swaddlers Diapers", "2", "186", 64.99),
    ("pampers", "Pampers Baby Dry Diapers", "3", "172", 49.99),
    ("pampers", "Pampers Cruisers Diapers", "4", "124", 54.99),
    ("pampers", "Pampers Cruisers Diapers", "5", "108", 54.99),
    ("huggies", "Huggies Little Snugglers Baby Diapers", "1", "168", 59.99),
    ("huggies", "Huggies Little Snugglers Baby Diapers", "2", "156", 59.99),
    ("huggies", "Huggies Little Movers Baby Diapers", "3", "156", 54.99),
    ("huggies", "Huggies Little Movers Baby Diapers", "4", "132", 54.99),
):
    add("diapers", brand, f"{line}, Size {size}, {count} Count", price, size=f"size {size}", count=count)
add("baby wipes", "pampers", "Pampers Sensitive Baby Wipes, 12 Packs, 672 Count", 22.99, count="672")
add("baby wipes", "huggies", "Huggies Natural Care Sensitive Baby Wipes, 12 Packs, 768 Count", 23.99, count="768")
add("baby wipes", "waterwipes", "WaterWipes Original Baby Wipes, 99.9% Water, 9 Packs, 540 Count", 34.99, count="540")
add("baby wipes", "pampers", "Pampers Aqua Pure Baby Wipes, 6 Packs, 336 Count", 15.99, count="336")
for brand, title, price, size in (
    ("purina", "Purina Pro Plan Adult Dry Dog Food, Chicken and Rice Formula, 35 lb Bag", 64.99, "35 lb"),
    ("purina", "Purina ONE SmartBlend Natural Adult Dry Dog Food, Lamb and Rice, 31.1 lb Bag", 44.99, "31.1 lb"),
    ("pedigree", "Pedigree Complete Nutrition Adult Dry Dog Food, Roasted Chicken, 30 lb Bag", 27.99, "30 lb"),
    ("blue buffalo", "Blue Buffalo Life Protection Formula Adult Dry Dog Food, Chicken and Brown Rice, 30 lb", 62.98, "30 lb"),
    ("hill's", "Hill's Science Diet Adult Dry Dog Food, Chicken and Barley, 35 lb Bag", 72.99, "35 lb"),
    ("royal canin", "Royal Canin Medium Adult Dry Dog Food, 30 lb Bag", 71.99, "30 lb"),
):
    add("dog food", brand, title, price, size=size)
for brand, title, price, size in (
    ("tidy cats", "Tidy Cats Clumping Cat Litter, 24/7 Performance, 35 lb Box", 19.99, "35 lb"),
    ("arm & hammer", "Arm & Hammer Clump and Seal Platinum Cat Litter, 40 lb", 21.99, "40 lb"),
    ("fresh step", "Fresh Step Clumping Cat Litter, Extreme Scented, 42 lb", 22.99, "42 lb"),
    ("world's best", "World's Best Cat Litter Original Unscented Clumping Corn Litter, 28 lb", 32.99, "28 lb"),
    ("catsan", "Catsan Hygiene Plus Non-Clumping Cat Litter, 20 L", 11.00, "20 l"),
):
    add("cat litter", brand, title, price, size=size)

# --- tea and dryer sheets ------------------------------------------------------------------------------------
for brand, title, price, count in (
    ("yorkshire tea", "Yorkshire Tea Original Tea Bags, 240 Count", 8.50, "240"),
    ("pg tips", "PG Tips Original Pyramid Tea Bags, 240 Count", 7.50, "240"),
    ("twinings", "Twinings English Breakfast Tea Bags, 100 Count", 6.99, "100"),
    ("tetley", "Tetley Original Tea Bags, 240 Count", 7.00, "240"),
    ("typhoo", "Typhoo Original Tea Bags, 240 Count", 7.00, "240"),
    ("red rose", "Red Rose Orange Pekoe Tea Bags, 144 Count", 9.99, "144"),
):
    add("tea bags", brand, title, price, count=count)
for brand, title, price, count in (
    ("bounce", "Bounce Dryer Sheets, Outdoor Fresh, 240 Count", 9.99, "240"),
    ("snuggle", "Snuggle Plus Super Fresh Fabric Softener Dryer Sheets, 200 Count", 8.99, "200"),
    ("downy", "Downy Infusions Fabric Softener Dryer Sheets, Calm, 200 Count", 9.49, "200"),
    ("gain", "Gain Dryer Sheets, Original Scent, 240 Count", 9.49, "240"),
):
    add("dryer sheets", brand, title, price, count=count)


def main() -> None:
    world = json.loads((HERE / "world.json").read_text(encoding="utf-8"))
    types = {entry["type"]: entry for entry in world["types"]}
    brand_countries = world["brand_countries"]
    rows = []
    seen: set[str] = set()
    for product in products:
        type_ = types[product["type"]]  # a KeyError here names a type missing from world.json
        countries = [c for c in type_.get("countries", ALL_COUNTRIES) if c in brand_countries.get(product["brand"], ALL_COUNTRIES)]
        if not countries:
            raise ValueError(f"{product['title']!r}: its brand and type share no country; fix brand_countries")
        product_id = slug(product["title"])
        if product_id in seen:
            raise ValueError(f"two products get the id {product_id!r}; make their titles differ")
        seen.add(product_id)
        rows.append({
            "product_id": product_id,
            "title": product["title"],
            "type": product["type"],
            "brand": product["brand"],
            "category": type_["category"],
            "price": f"{product['price']:.2f}",
            "attributes": json.dumps(product["attributes"], sort_keys=True),
            "countries": " ".join(countries),
        })
    with open(HERE / "products.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    brands = {row["brand"] for row in rows}
    print(f"wrote {len(rows)} products of {len({r['type'] for r in rows})} types and {len(brands)} brands "
          f"to {HERE / 'products.csv'}")


if __name__ == "__main__":
    main()
