"""tools/webui.py in a real browser (Debian's chromium + chromium-driver, driven by Selenium).

The server is README.md's "A web page" command, run as written with a short adaptation
appended (``--cfg-options adaptation.outer_iters=1 adaptation.inner_iters=3``); the page must
load nothing from beyond 127.0.0.1. Two browser tabs are two sessions:
- tab A: an Extended Yale B exemplar (HR 64 px + LR 16 px, from the shared data), three Yale B
  LR faces; tab B: a scikit-image LFW exemplar (HR only) and two LFW faces plus the astronaut
  photo. Both click Adapt at once; every image the page shows (bicubic, source only, adapted)
  equals ``dapfsr.apis``' output for the same inputs pixel for pixel, each tab its own
  adaptation (and tab A's do not change once B has adapted);
- the adapted-parameter file the page offers loads with ``init_model(adapted=...)`` and gives
  the page's adapted faces;
- a non-image upload is a message naming it.
The screenshot of tab B is written to ``$DAPFSR_WEBUI_SCREENSHOT`` where set (the README's
docs/images/webui.png), else into the test's temporary folder.
"""
import json
import os
import os.path as osp
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

import cv2
import numpy as np
import pytest
import torch


REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = 'configs/dapfsr/dapfsr_small_17k_celeba-hq2yaleb_damma-3x5_lr-consistent.py'
CHECKPOINT = 'checkpoints/dapfsr_small_celebahq.pth'
FAST = {'adaptation.outer_iters': 1, 'adaptation.inner_iters': 3}


def readme_commands():
    """The lines of the ```bash block right after README.md's "## A web page"."""
    with open(osp.join(REPO_ROOT, 'README.md')) as f:
        match = re.search(r'^## A web page\n.*?```bash\n(.*?)^```', f.read(), re.S | re.M)
    assert match, 'README.md has no ```bash block under "## A web page"'
    return [shlex.split(line, comments=True) for line in match.group(1).splitlines() if shlex.split(line, comments=True)]


def find_chromium(skip_or_fail):
    for browser, driver in (('/usr/bin/chromium', '/usr/bin/chromedriver'),):
        if osp.exists(browser) and osp.exists(driver):
            return browser, driver
    browser, driver = shutil.which('chromium'), shutil.which('chromedriver')
    if not (browser and driver):
        skip_or_fail('chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)')
    return browser, driver


def write(path, img):
    img = img[..., 0] if img.ndim == 3 and img.shape[2] == 1 else (img[..., ::-1] if img.ndim == 3 else img)
    assert cv2.imwrite(str(path), img)
    return str(path)


def yaleb_faces(root, folder):
    """Exemplar (HR 64 px, LR 16 px) of yaleB01 and three LR faces of yaleB02, frontal light:
    the whole 168 x 192 frame, square-cropped, MATLAB bicubic."""
    from dapfsr.utils.matlab_resize import matlab_imresize

    def load(subject):
        img = cv2.imread(osp.join(root, subject, f'{subject}_P00A+000E+00.pgm'), cv2.IMREAD_GRAYSCALE)
        top = (img.shape[0] - img.shape[1]) // 2
        return img[top:top + img.shape[1]].astype(np.float32)[..., None] / 255

    def resize(img, side):
        return (matlab_imresize(img, size=(side, side)).clip(0, 1) * 255).round().astype(np.uint8)

    a = load('yaleB01')
    hr, lr = write(folder / 'yaleb_hr.png', resize(a, 64)), write(folder / 'yaleb_lr.png', resize(a, 16))
    faces = []
    for k, subject in enumerate(('yaleB02', 'yaleB03', 'yaleB05')):
        faces.append(write(folder / f'yaleb_face{k}.png', resize(load(subject), 16)))
    return hr, lr, faces


def lfw_faces(folder):
    """scikit-image's LFW faces (25 x 25 gray): an exemplar at 64 px and two at 16 px, and the
    astronaut photo with a 20 px face (``tools/misc/demo_photo.py``'s)."""
    from skimage import data
    from dapfsr.apis.photo import demo_photo
    lfw = data.lfw_subset()
    face = [(lfw[i] * 255).round().astype(np.uint8) for i in (3, 10, 40)]
    hr = write(folder / 'lfw_hr.png', cv2.resize(face[0], (64, 64), interpolation=cv2.INTER_CUBIC))
    lrs = [write(folder / f'lfw_face{k}.png', cv2.resize(f, (16, 16), interpolation=cv2.INTER_AREA))
           for k, f in enumerate(face[1:])]
    return hr, lrs + [write(folder / 'astronaut.png', demo_photo(20))]


class Server:
    """README's command with the short adaptation appended, in its own process group."""

    def __init__(self, command, tmp_path):
        args = [sys.executable if a == 'python' else a for a in command]
        args += ['--cfg-options', *[f'{k}={v}' for k, v in FAST.items()]]
        env = dict(os.environ, OMP_NUM_THREADS='1', TMPDIR=str(tmp_path), PYTHONUNBUFFERED='1')
        self.log = open(tmp_path / 'server.log', 'w+')
        start = time.perf_counter()
        self.proc = subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        while time.perf_counter() - start < 60:
            text = self.text()
            found = re.search(r'Running on local URL:\s+(http://\S+)', text)
            if found:
                self.url = found.group(1).rstrip('/')
                self.startup = time.perf_counter() - start
                return
            assert self.proc.poll() is None, f'tools/webui.py ended: {text}'
            time.sleep(0.2)
        raise AssertionError(f'tools/webui.py served nothing in 60 s: {self.text()}')

    def text(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(60)  # a loaded CI machine: the page removes its folder on the way out
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.output = self.text()
        self.log.close()


def browser(tmp_path, require_module, skip_or_fail):
    webdriver = require_module('selenium.webdriver', 'the web page test (the tests extra)')
    binary, driver = find_chromium(skip_or_fail)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--window-size=1300,1700', f'--user-data-dir={tmp_path / "chromium"}',
                '--disable-background-networking', '--disable-component-update'):
        options.add_argument(arg)
    options.set_capability('goog:loggingPrefs', {'performance': 'ALL'})
    from selenium.webdriver.chrome.service import Service
    return webdriver.Chrome(service=Service(driver), options=options)


class Tab:
    """One browser tab on the page: one Gradio session."""

    def __init__(self, driver, url):
        self.driver = driver
        if driver.current_url.startswith('http'):
            driver.switch_to.new_window('tab')
        driver.get(url)
        self.handle = driver.current_window_handle
        self.wait_for(lambda: driver.find_elements('css selector', '#super-resolve'), 'the page')

    def wait_for(self, what, name, timeout=60):
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            found = what()
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f'no {name} in {timeout} s; the page says: {self.driver.find_element("tag name", "body").text[:2000]}')

    def focus(self):
        self.driver.switch_to.window(self.handle)
        return self

    def upload(self, elem_id, paths):
        self.focus()
        field = self.driver.find_element('css selector', f'#{elem_id} input[type=file]')
        field.send_keys('\n'.join(paths))
        names = [osp.basename(p) for p in paths]
        self.wait_for(lambda: all(n in re.sub(r'\s', '', self.text(elem_id)) for n in names), f'upload of {names}')

    def click(self, elem_id):
        self.focus()
        self.driver.find_element('css selector', f'#{elem_id}').click()

    def text(self, elem_id):
        return self.driver.find_element('css selector', f'#{elem_id}').text

    def wait_text(self, elem_id, pattern, timeout=60):
        self.focus()
        return self.wait_for(lambda: re.search(pattern, self.text(elem_id)) and self.text(elem_id), f'"{pattern}" '
                             f'in #{elem_id}', timeout)

    def images(self, elem_id, count):
        """The ``count`` images the gallery shows, fetched from the page's own URLs, in order."""
        self.focus()

        def sources():
            srcs = []
            for img in self.driver.find_elements('css selector', f'#{elem_id} img'):
                src = img.get_attribute('src')
                if src and src not in srcs:
                    srcs.append(src)
            return srcs if len(srcs) >= count else None
        srcs = self.wait_for(sources, f'{count} images in #{elem_id}')
        return [fetch_image(src) for src in srcs[:count]]

    def links(self, elem_id):
        self.focus()
        return [a.get_attribute('href') for a in self.driver.find_elements('css selector', f'#{elem_id} a')
                if a.get_attribute('href')]


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def fetch_image(url):
    img = cv2.imdecode(np.frombuffer(fetch(url), np.uint8), cv2.IMREAD_UNCHANGED)
    assert img is not None, f'not an image: {url}'
    return img[..., None] if img.ndim == 2 else img[..., ::-1]


def check_equal(shown, expected, what):
    expected = np.asarray(expected)
    assert shown.shape == expected.shape, f'{what}: the page shows {shown.shape}, dapfsr.apis gives {expected.shape}'
    diff = np.abs(shown.astype(int) - expected.astype(int)).max()
    assert diff == 0, f'{what}: the page differs from dapfsr.apis by up to {diff} grey levels'


def requests_beyond_localhost(driver):
    urls = []
    for entry in driver.get_log('performance'):
        message = json.loads(entry['message'])['message']
        if message['method'] == 'Network.requestWillBeSent':
            urls.append(message['params']['request']['url'])
    local = re.compile(r'^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/|^(data|blob|about|chrome|chrome-extension):')
    return urls, [u for u in urls if not local.match(u)]


@pytest.fixture
def references():
    """The models the page must agree with: the same config, checkpoint and options."""
    from dapfsr.apis import init_model
    return lambda: init_model(osp.join(REPO_ROOT, CONFIG), osp.join(REPO_ROOT, CHECKPOINT), cfg_options=dict(FAST))


def test_webui_in_browser(tmp_path, references, yaleb_root, one_torch_thread, require_module, skip_or_fail):
    require_module('gradio', 'the web page (the web extra)')
    from dapfsr.apis import adapt, init_model, super_resolve, super_resolve_photo
    from dapfsr.apis import MTCNN
    yaleb = yaleb_root
    (tmp_path / 'in').mkdir()
    hr_a, lr_a, faces_a = yaleb_faces(yaleb, tmp_path / 'in')
    hr_b, inputs_b = lfw_faces(tmp_path / 'in')
    not_image = tmp_path / 'in' / 'notes.png'
    not_image.write_text('not an image')

    commands = readme_commands()
    assert commands == [['python', 'tools/webui.py']], commands
    server = Server(commands[0], tmp_path)
    driver = browser(tmp_path, require_module, skip_or_fail)
    try:
        assert server.url.startswith('http://127.0.0.1:'), server.url
        assert server.startup < 40, f'the page took {server.startup:.0f} s to start'
        a, b = Tab(driver, server.url), Tab(driver, server.url)
        a.upload('exemplar-hr', [hr_a])
        a.upload('exemplar-lr', [lr_a])
        b.upload('exemplar-hr', [hr_b])
        a.click('adapt')
        b.click('adapt')  # both at once
        status_a = a.wait_text('adapt-status', r'adapted|cancel|error')
        status_b = b.wait_text('adapt-status', r'adapted|cancel|error')
        assert 'adapted' in status_a and 'yaleb_hr.png + yaleb_lr.png' in status_a, status_a
        assert 'adapted' in status_b and 'lfw_hr.png' in status_b, status_b

        # what the page shows equals dapfsr.apis' outputs for the same inputs
        source = references()
        model_a, model_b = references(), references()
        adapt(model_a, hr_a, lr_a, seed=0)
        adapt(model_b, hr_b, seed=0)
        bicubic = init_model(osp.join(REPO_ROOT, 'configs/bicubic/bicubic_x4_yaleb.py'))
        shown_exemplar = a.images('exemplar-used', 1)[0]
        check_equal(shown_exemplar[..., :1], cv2.imread(hr_a, cv2.IMREAD_GRAYSCALE)[..., None], 'exemplar HR used')

        a.upload('inputs', faces_a)
        a.click('super-resolve')
        a.wait_text('sr-status', r'3 inputs super-resolved')
        b.upload('inputs', inputs_b)
        b.click('super-resolve')
        b.wait_text('sr-status', r'3 inputs super-resolved')
        for tab, model, faces in ((a, model_a, faces_a), (b, model_b, inputs_b[:2])):
            shown = tab.images('results', 4 * len(faces))
            for column, ref_model in ((1, bicubic), (2, source), (3, model)):
                expected = super_resolve(ref_model, faces)  # the config's gray output, as the page's default
                for n, face in enumerate(faces):
                    check_equal(shown[4 * n + column], expected[n], f'{osp.basename(face)}, column {column}')
            if tab is b:
                photo = cv2.imread(inputs_b[2])[..., ::-1]
                for column, ref_model in ((2, source), (3, model)):
                    expected = super_resolve_photo(ref_model, photo, MTCNN()).image
                    check_equal(tab.images('results', 12)[8 + column], expected, f'astronaut, column {column}')
                driver.save_screenshot(os.environ.get('DAPFSR_WEBUI_SCREENSHOT') or str(tmp_path / 'webui.png'))
        # A's faces again, after B adapted: still A's adaptation
        a.click('super-resolve')
        time.sleep(0.5)
        a.wait_text('sr-status', r'3 inputs super-resolved')
        again = a.images('results', 12)
        for n, expected in enumerate(super_resolve(model_a, faces_a)):
            check_equal(again[4 * n + 3], expected, f'session A after B adapted, face {n}')

        # the adapted-parameter file: tools/adapt.py's format, the adapted tensors of session A,
        # loadable as tools/infer.py --adapted loads it
        delta = [u for u in a.links('downloads') if 'adapted_parameters.pth' in u]
        assert delta, a.links('downloads')
        (tmp_path / 'delta.pth').write_bytes(fetch(delta[0]))
        saved = torch.load(tmp_path / 'delta.pth', weights_only=True)
        assert saved['meta']['format'] == 'dapfsr-adapted-parameters' and saved['state_dict']
        state_a = model_a.state_dict()
        for key, tensor in saved['state_dict'].items():
            assert torch.equal(tensor, state_a[key].cpu()), key
        loaded = init_model(osp.join(REPO_ROOT, CONFIG), osp.join(REPO_ROOT, CHECKPOINT),
                            adapted=str(tmp_path / 'delta.pth'), cfg_options=dict(FAST))
        for key in saved['state_dict']:
            assert torch.equal(loaded.state_dict()[key], state_a[key]), key
        assert 'refiner.framing' in saved['state_dict']  # the exemplar's calibration travels too
        for n, (got, expected) in enumerate(zip(super_resolve(loaded, faces_a), super_resolve(model_a, faces_a))):
            check_equal(got, expected, f'session A from its adapted-parameter file, face {n}')

        # a file that is not an image: a message naming it, the page alive
        a.upload('inputs', [str(not_image)])
        a.click('super-resolve')
        message = a.wait_text('sr-status', r'notes\.png')
        assert 'notes.png is not an image' in message, message

        urls, outside = requests_beyond_localhost(driver)
        assert urls and not outside, f'the page fetched from beyond 127.0.0.1: {outside}'
    finally:
        driver.quit()
        server.stop()
    assert 'Traceback' not in server.output, server.output
    assert not list((tmp_path).glob('dapfsr-webui-*')), 'the server left its temporary folder'
